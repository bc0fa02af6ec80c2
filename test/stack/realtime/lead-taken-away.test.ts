import type { RealtimePostgresInsertPayload, SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInClient, sqlClient } from '../../support/clients.ts'
import { createLead, createMember, createOrgFixture } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { Inbox, settle, subscribed } from './helpers.ts'

// A lead taken away from a rep reaches the rep's phone live: realtime checks RLS on the lead as
// it is after the change (no longer theirs, so no event), so a trigger writes a notice row the old
// owner may read, and that INSERT is what the phone subscribes to.

type Notice = Record<string, unknown>

let sql: pg.Client
let org: OrgFixture
let other: OrgFixture
const clients: SupabaseClient[] = []

/** Signs in and follows INSERTs on the notices, filtered to `filterMember` (or unfiltered: RLS alone decides). */
async function follow(email: string, name: string, filterMember?: string): Promise<Inbox<Notice>> {
  const client = await signedInClient(email) as unknown as SupabaseClient
  clients.push(client)
  const inbox = new Inbox<Notice>()
  await subscribed(client.channel(name).on('postgres_changes', {
    event: 'INSERT',
    schema: 'public',
    table: 'member_lead_notices',
    ...(filterMember ? { filter: `member_id=eq.${filterMember}` } : {}),
  }, (payload: RealtimePostgresInsertPayload<Notice>) => inbox.push(payload.new)))
  return inbox
}

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'taken-away', { reps: 2 })
  other = await createOrgFixture(sql, 'taken-away-other', { reps: 1 })
})

afterAll(async () => {
  for (const client of clients)
    await client.removeAllChannels()
  await sql.end()
})

describe('a lead taken away from a rep', () => {
  it('reaches only that rep, live, for a manager\'s reassignment and the escalator\'s move', async () => {
    const [rep1, rep2] = org.reps
    const mine = await follow(rep1.email, 'notices-rep1', rep1.id)
    // Unfiltered, so only RLS keeps rep1's notices from these two.
    const teammate = await follow(rep2.email, 'notices-rep2')
    const outsider = await follow(other.reps[0].email, 'notices-outsider')

    const reassigned = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id, assigned_at: new Date() })
    const escalated = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id, assigned_at: new Date() })

    const manager = await signedInClient(org.manager.email)
    clients.push(manager as unknown as SupabaseClient)
    const { error } = await manager.rpc('reassign_lead', { lead_id: reassigned.id as string, to_member_id: rep2.id, reason: 'customer asked' })
    expect(error).toBeNull()
    await mine.waitFor(1)
    expect(mine.items[0]).toMatchObject({ member_id: rep1.id, org_id: org.orgId, lead_ids: [reassigned.id], kind: 'taken_away', reason: 'reassigned' })

    // The SLA escalator's escalate step, as it writes it: to the fallback queue and its owner.
    await sql.query(`
      update public.leads l set in_fallback_queue = true, assigned_to = r.owner, assigned_at = now(),
        sla_state = 'escalated', sla_escalated_at = now(), updated_at = now()
      from unnest($1::uuid[], $2::uuid[]) as r (id, owner)
      where l.id = r.id`, [[escalated.id], [org.manager.id]])
    await mine.waitFor(2)
    expect(mine.items[1]).toMatchObject({ member_id: rep1.id, lead_ids: [escalated.id], reason: 'escalated' })

    // rep2 gained a lead (no notice), the outsider has nothing to do with it.
    await settle()
    expect(teammate.items).toEqual([])
    expect(outsider.items).toEqual([])
  })

  it('is written for every move away from an owner and for nothing else', async () => {
    const [rep1, rep2] = org.reps
    const lead = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id })
    const count = async (): Promise<number> => Number((await sql.query(
      'select count(*) from public.member_lead_notices where $1 = any(lead_ids)', [lead.id])).rows[0].count)

    // Same owner written again, another column changed, a claim from the pool: no notice.
    await sql.query('update public.leads set assigned_to = assigned_to, score = 60 where id = $1', [lead.id])
    const pooled = await createLead(sql, org, { status: 'new' })
    await sql.query('update public.leads set assigned_to = $2 where id = $1', [pooled.id, rep2.id])
    expect(await count()).toBe(0)
    expect((await sql.query('select count(*) from public.member_lead_notices where $1 = any(lead_ids)', [pooled.id])).rows[0].count).toBe('0')

    await sql.query('update public.leads set assigned_to = null where id = $1', [lead.id])
    const { rows } = await sql.query('select member_id, reason from public.member_lead_notices where $1 = any(lead_ids)', [lead.id])
    expect(rows).toEqual([{ member_id: rep1.id, reason: 'unassigned' }])

    // One statement over many leads, as the escalator writes: only the moved ones, each once, one row per member and reason.
    const kept = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id })
    const moved = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id })
    const pooledAgain = await createLead(sql, org, { status: 'assigned', assigned_to: rep2.id })
    await sql.query(`
      update public.leads l set assigned_to = r.owner, updated_at = now()
      from unnest($1::uuid[], $2::uuid[]) as r (id, owner) where l.id = r.id`,
    [[kept.id, moved.id, pooledAgain.id], [rep1.id, rep2.id, null]])
    const { rows: bulk } = await sql.query(
      'select lead_ids, member_id, reason from public.member_lead_notices where lead_ids && $1 order by reason',
      [[kept.id, moved.id, pooledAgain.id]])
    expect(bulk).toEqual([
      { lead_ids: [moved.id], member_id: rep1.id, reason: 'reassigned' },
      { lead_ids: [pooledAgain.id], member_id: rep2.id, reason: 'unassigned' },
    ])
  })

  it('lists a bulk move in a few rows of at most 100 leads', async () => {
    const [rep1, rep2] = org.reps
    const { rows: created } = await sql.query<{ id: string }>(`
      insert into public.leads (org_id, team_id, full_name, email, status, assigned_to)
      select $1, $2, 'Bulk ' || n, 'bulk-' || n || '-' || gen_random_uuid() || '@example.com', 'assigned', $3
      from generate_series(1, 150) as n returning id`, [org.orgId, org.teamId, rep1.id])
    const ids = created.map(row => row.id)
    await sql.query('update public.leads set assigned_to = $2 where id = any($1)', [ids, rep2.id])
    const { rows } = await sql.query<{ n: number, member_id: string }>(
      'select cardinality(lead_ids) as n, member_id from public.member_lead_notices where lead_ids && $1::uuid[] order by n desc', [ids])
    expect(rows).toEqual([{ n: 100, member_id: rep1.id }, { n: 50, member_id: rep1.id }])
    const listed = (await sql.query<{ id: string }>('select unnest(lead_ids) as id from public.member_lead_notices where lead_ids && $1::uuid[]', [ids])).rows
    expect(listed.map(row => row.id).sort()).toEqual([...ids].sort())
  })

  it('does not stand in the way of removing a member who owns leads', async () => {
    const leaving = await createMember(sql, org, 'taken-away-leaving')
    const lead = await createLead(sql, org, { status: 'assigned', assigned_to: leaving.id })
    await sql.query('delete from auth.users where id = $1', [leaving.id])
    expect((await sql.query('select assigned_to from public.leads where id = $1', [lead.id])).rows).toEqual([{ assigned_to: null }])
  })

  it('can be read through the API by its member only', async () => {
    const [rep1, rep2] = org.reps
    const lead = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id })
    await sql.query('update public.leads set assigned_to = $2 where id = $1', [lead.id, rep2.id])

    const own = await (await signedInClient(rep1.email)).from('member_lead_notices').select('lead_ids, reason').contains('lead_ids', [lead.id as string])
    expect(own.data).toEqual([{ lead_ids: [lead.id], reason: 'reassigned' }])
    const theirs = await (await signedInClient(rep2.email)).from('member_lead_notices').select('lead_ids').contains('lead_ids', [lead.id as string])
    expect(theirs.data).toEqual([])
    const managers = await (await signedInClient(org.manager.email)).from('member_lead_notices').select('lead_ids').contains('lead_ids', [lead.id as string])
    expect(managers.data).toEqual([])
    // Written by the trigger only.
    const forged = await (await signedInClient(rep2.email)).from('member_lead_notices')
      .insert({ org_id: org.orgId, member_id: rep1.id, lead_ids: [lead.id as string], reason: 'reassigned' })
    expect(forged.error?.code).toBe('42501')
  })

  it('prunes notices older than a day, a bounded batch per statement that writes one', async () => {
    const [rep1, rep2] = org.reps
    await sql.query(`
      insert into public.member_lead_notices (org_id, member_id, lead_ids, reason, created_at)
      select $1, $2, array[gen_random_uuid()], 'reassigned', now() - interval '2 days' - n * interval '1 second'
      from generate_series(1, 150) as n`, [org.orgId, rep1.id])
    const old = async (): Promise<number> => Number((await sql.query(
      `select count(*) from public.member_lead_notices where created_at < now() - interval '1 day'`)).rows[0].count)
    expect(await old()).toBeGreaterThanOrEqual(150)

    const lead = await createLead(sql, org, { status: 'assigned', assigned_to: rep1.id })
    await sql.query('update public.leads set assigned_to = $2 where id = $1', [lead.id, rep2.id])
    const afterOne = await old()
    expect(afterOne).toBeGreaterThan(0)
    expect(afterOne).toBeLessThanOrEqual(50)
    await sql.query('update public.leads set assigned_to = $2 where id = $1', [lead.id, rep1.id])
    expect(await old()).toBe(0)
    // The fresh notices stay.
    expect((await sql.query('select count(*) from public.member_lead_notices where $1 = any(lead_ids)', [lead.id])).rows[0].count).toBe('2')
  })
})
