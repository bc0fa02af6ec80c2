import { randomUUID } from 'node:crypto'
import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serviceClient, sqlClient } from '../../support/clients.ts'
import { Inbox, realtimeClient, settle, subscribed, userToken } from './helpers.ts'

type Row = Record<string, unknown>
type Change = RealtimePostgresChangesPayload<Row>

let sql: pg.Client
const clients: SupabaseClient[] = []
const alice = randomUUID()
const bob = randomUUID()

async function watch(token: string | undefined, name: string, event: '*' | 'INSERT' | 'UPDATE' | 'DELETE' = '*'): Promise<{ client: SupabaseClient, inbox: Inbox<Change> }> {
  const client = token === 'service' ? serviceClient() as unknown as SupabaseClient : await realtimeClient(token)
  clients.push(client)
  const inbox = new Inbox<Change>()
  await subscribed(client.channel(name).on('postgres_changes', { event, schema: 'public', table: 'rt_secrets' }, inbox.push))
  return { client, inbox }
}

async function insertSecret(owner: string, body: string): Promise<string> {
  const { rows } = await sql.query('insert into public.rt_secrets (owner, body, internal_note) values ($1, $2, $3) returning id', [owner, body, `note on ${body}`])
  return rows[0].id as string
}

beforeAll(async () => {
  sql = await sqlClient()
  await sql.query(`
    drop table if exists public.rt_secrets;
    create table public.rt_secrets (
      id uuid primary key default gen_random_uuid(),
      owner uuid not null,
      body text not null,
      internal_note text
    );
    alter table public.rt_secrets enable row level security;
    create policy "owners read their secrets" on public.rt_secrets for select to authenticated using (owner = (select auth.uid()));
    -- Signed-in users may not read internal_note at all: it must never appear in their records.
    revoke select on public.rt_secrets from authenticated;
    grant select (id, owner, body) on public.rt_secrets to authenticated;
    alter publication supabase_realtime add table public.rt_secrets;`)
})

afterEach(async () => {
  for (const created of clients.splice(0))
    await created.removeAllChannels()
})

afterAll(async () => {
  await sql.query('drop table if exists public.rt_secrets')
  await sql.end()
})

describe('postgres_changes under RLS', () => {
  it('delivers a row only to the users whose policies let them read it', async () => {
    const a = await watch(await userToken(alice), 'rls-alice')
    const b = await watch(await userToken(bob), 'rls-bob')
    const anon = await watch(undefined, 'rls-anon')
    const service = await watch('service', 'rls-service')

    const aliceRow = await insertSecret(alice, 'alice only')
    const bobRow = await insertSecret(bob, 'bob only')

    // Bob's row committed after Alice's: once Bob has it, Alice's would have reached him already.
    await b.inbox.waitFor(1)
    await a.inbox.waitFor(1)
    await service.inbox.waitFor(2)
    expect(a.inbox.items.map(change => change.new)).toEqual([{ id: aliceRow, owner: alice, body: 'alice only' }])
    expect(b.inbox.items.map(change => change.new)).toEqual([{ id: bobRow, owner: bob, body: 'bob only' }])
    // service_role bypasses RLS and may read every column.
    expect(service.inbox.items[0].new).toEqual({ id: aliceRow, owner: alice, body: 'alice only', internal_note: 'note on alice only' })
    // Anon has no policy, so there is no row of its own to wait for: give stray frames time to land.
    await settle()
    expect(anon.inbox.items).toEqual([])
  })

  it('follows the row when an update moves it from one reader to another', async () => {
    const id = await insertSecret(alice, 'handed over')
    const a = await watch(await userToken(alice), 'rls-move-alice', 'UPDATE')
    const b = await watch(await userToken(bob), 'rls-move-bob', 'UPDATE')
    await sql.query('update public.rt_secrets set owner = $1 where id = $2', [bob, id])
    await sql.query('update public.rt_secrets set body = $1 where id = $2', ['now bob\'s', id])
    const changes = await b.inbox.waitFor(2)
    expect(changes.map(change => (change.new as Row).body)).toEqual(['handed over', 'now bob\'s'])
    expect(a.inbox.items).toEqual([])
  })

  it('sends deletes to every subscriber of the table, with only the primary key', async () => {
    const id = await insertSecret(alice, 'to be deleted')
    const b = await watch(await userToken(bob), 'rls-delete-bob', 'DELETE')
    const service = await watch('service', 'rls-delete-service', 'DELETE')
    await sql.query('delete from public.rt_secrets where id = $1', [id])
    const [change] = await b.inbox.waitFor(1)
    expect(change).toMatchObject({ eventType: 'DELETE', old: { id }, new: {} })
    expect((await service.inbox.waitFor(1))[0].old).toEqual({ id })
  })

  it('uses the claims of an access_token sent after joining', async () => {
    const watcher = await watch(await userToken(alice), 'rls-refresh')
    await insertSecret(alice, 'seen as alice')
    await watcher.inbox.waitFor(1)
    await watcher.client.realtime.setAuth(await userToken(bob))
    // The token push and the inserts race; wait until the server acts as Bob.
    await expect.poll(async () => {
      await insertSecret(bob, 'probe for bob')
      await new Promise(resolve => setTimeout(resolve, 100))
      return watcher.inbox.items.some(change => (change.new as Row).owner === bob)
    }, { timeout: 5000 }).toBe(true)
    await insertSecret(alice, 'alice after the switch')
    await insertSecret(bob, 'last for bob')
    await expect.poll(() => watcher.inbox.items.at(-1)?.new).toMatchObject({ body: 'last for bob' })
    expect(watcher.inbox.items.map(change => (change.new as Row).body)).not.toContain('alice after the switch')
  })

  it('refuses to join with an invalid or expired token', async () => {
    const forged = await realtimeClient('eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJl')
    clients.push(forged)
    await expect(subscribed(forged.channel('rls-forged').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_secrets' }, () => {})))
      .rejects.toThrow(/InvalidJWTToken/)
    const expired = await realtimeClient(await userToken(alice, -60))
    clients.push(expired)
    await expect(subscribed(expired.channel('rls-expired').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_secrets' }, () => {})))
      .rejects.toThrow(/InvalidJWTToken: Token has expired/)
  })
})
