import type { RealtimePostgresChangesPayload, SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { Inbox, realtimeClient, settle, subscribed } from './helpers.ts'

type Row = Record<string, unknown>
type Change = RealtimePostgresChangesPayload<Row>

let sql: pg.Client
const clients: SupabaseClient[] = []

async function client(): Promise<SupabaseClient> {
  const created = await realtimeClient()
  clients.push(created)
  return created
}

/** The row as PostgREST (to_jsonb) would show it. */
async function asJson(table: string, id: unknown): Promise<Row> {
  const { rows } = await sql.query(`select to_jsonb(t) as row from public.${table} t where id = $1`, [id])
  return rows[0].row as Row
}

beforeAll(async () => {
  sql = await sqlClient()
  await sql.query(`
    drop table if exists public.rt_items, public.rt_keyed;
    create table public.rt_items (
      id bigint generated always as identity primary key,
      title text not null,
      qty int,
      price numeric(10, 2),
      done boolean not null default false,
      tags text[],
      meta jsonb,
      due date,
      created_at timestamptz not null default now()
    );
    alter table public.rt_items replica identity full;
    -- Default replica identity: UPDATE/DELETE carry only the key as old_record.
    create table public.rt_keyed (id int primary key, label text);
    alter publication supabase_realtime add table public.rt_items, public.rt_keyed;`)
})

afterEach(async () => {
  for (const created of clients.splice(0))
    await created.removeAllChannels()
})

afterAll(async () => {
  await sql.query('drop table if exists public.rt_items, public.rt_keyed')
  await sql.end()
})

describe('postgres_changes', () => {
  it('delivers INSERT, UPDATE and DELETE with values exactly as to_jsonb shows them', async () => {
    const inbox = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-all').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items' }, inbox.push))

    const { rows: [{ id }] } = await sql.query(`
      insert into public.rt_items (title, qty, price, tags, meta, due)
      values ('apple', 3, 12.50, '{"red","x y"}', '{"origin": {"country": "NZ"}, "n": [1, 2]}', '2026-03-01')
      returning id`)
    const inserted = await asJson('rt_items', id)
    await sql.query(`update public.rt_items set qty = 4, done = true where id = $1`, [id])
    const updated = await asJson('rt_items', id)
    await sql.query(`delete from public.rt_items where id = $1`, [id])

    const [insert, update, remove] = await inbox.waitFor(3)
    expect(insert).toMatchObject({ schema: 'public', table: 'rt_items', eventType: 'INSERT', new: inserted, old: {}, errors: null })
    expect(inserted).toMatchObject({ id: Number(id), price: 12.5, done: false, tags: ['red', 'x y'], meta: { origin: { country: 'NZ' }, n: [1, 2] }, due: '2026-03-01' })
    expect(insert.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(update).toMatchObject({ eventType: 'UPDATE', new: updated, old: inserted })
    expect(remove).toMatchObject({ eventType: 'DELETE', new: {}, old: updated })
  })

  it('sends only the key as old_record when the table has the default replica identity', async () => {
    const inbox = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-keyed').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_keyed' }, inbox.push))
    await sql.query(`insert into public.rt_keyed values (1, 'one')`)
    await sql.query(`update public.rt_keyed set label = 'uno' where id = 1`)
    await sql.query(`delete from public.rt_keyed where id = 1`)
    const [, update, remove] = await inbox.waitFor(3)
    expect(update).toMatchObject({ eventType: 'UPDATE', new: { id: 1, label: 'uno' }, old: { id: 1 } })
    expect(remove.old).toEqual({ id: 1 })
  })

  it('routes each event type only to bindings that asked for it', async () => {
    const inserts = new Inbox<Change>()
    const deletes = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-typed')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items' }, inserts.push)
      .on('postgres_changes', { event: 'DELETE', schema: 'public', table: 'rt_items' }, deletes.push))
    const { rows: [{ id }] } = await sql.query(`insert into public.rt_items (title) values ('pear') returning id`)
    await sql.query(`update public.rt_items set title = 'ripe pear' where id = $1`, [id])
    await sql.query(`delete from public.rt_items where id = $1`, [id])
    await deletes.waitFor(1)
    // The DELETE committed last, so the UPDATE would have arrived before it.
    expect(inserts.items.map(change => change.eventType)).toEqual(['INSERT'])
    expect(deletes.items.map(change => change.eventType)).toEqual(['DELETE'])
  })

  it('applies eq, in and comparison filters on typed values', async () => {
    const byTitle = new Inbox<Change>()
    const byQty = new Inbox<Change>()
    const byPrice = new Inbox<Change>()
    const everything = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-filters')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items', filter: 'title=eq.kiwi' }, byTitle.push)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items', filter: 'qty=in.(2,10)' }, byQty.push)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items', filter: 'price=gt.9.5' }, byPrice.push)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items' }, everything.push))
    await sql.query(`insert into public.rt_items (title, qty, price) values ('kiwi', 1, 1), ('lime', 10, 9.5), ('plum', 2, 10), ('fig', 3, 100)`)
    await everything.waitFor(4)
    const titles = (inbox: Inbox<Change>) => inbox.items.map(change => (change.new as Row).title)
    expect(titles(byTitle)).toEqual(['kiwi'])
    expect(titles(byQty)).toEqual(['lime', 'plum'])
    // 10 > 9.5 numerically; as text '10' < '9.5'.
    expect(titles(byPrice)).toEqual(['plum', 'fig'])
  })

  it('delivers in commit order, across and within transactions', async () => {
    const inbox = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-order').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_keyed' }, inbox.push))
    const other = await sqlClient()
    try {
      await sql.query('begin')
      await sql.query(`insert into public.rt_keyed values (10, 'a'), (11, 'b')`)
      // A second session commits first, although its statement ran later.
      await other.query(`insert into public.rt_keyed values (20, 'other')`)
      await sql.query(`update public.rt_keyed set label = 'a2' where id = 10`)
      await sql.query(`delete from public.rt_keyed where id = 11`)
      await sql.query('commit')
      await other.query(`delete from public.rt_keyed where id = 20`)
      await sql.query(`delete from public.rt_keyed where id = 10`)
    }
    finally {
      await other.end()
    }
    const changes = await inbox.waitFor(7)
    expect(changes.map(change => `${change.eventType} ${JSON.stringify(change.eventType === 'DELETE' ? change.old : change.new)}`)).toEqual([
      'INSERT {"id":20,"label":"other"}',
      'INSERT {"id":10,"label":"a"}',
      'INSERT {"id":11,"label":"b"}',
      'UPDATE {"id":10,"label":"a2"}',
      'DELETE {"id":11}',
      'DELETE {"id":20}',
      'DELETE {"id":10}',
    ])
    expect(new Set(changes.slice(1, 5).map(change => change.commit_timestamp)).size).toBe(1)
  })

  it('sees changes made inside functions and DO blocks, not only plain statements', async () => {
    const inbox = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-plpgsql').on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_keyed' }, inbox.push))
    await sql.query(`do $$ begin insert into public.rt_keyed values (30, 'from plpgsql'); end $$`)
    const [change] = await inbox.waitFor(1)
    expect(change.new).toEqual({ id: 30, label: 'from plpgsql' })
    await sql.query('delete from public.rt_keyed where id = 30')
  })

  it('decodes a table\'s changes from the moment someone subscribes, after writes nobody watched', async () => {
    // Row changes to tables without a subscriber are skipped undecoded; the table's next subscriber
    // must still get every change committed after it joined, UPDATE's old row included. The marker
    // row shares the unwatched write's transaction: once it arrives, that write has been read.
    const markers = new Inbox<Change>()
    const realtime = await client()
    await subscribed(realtime.channel('rt-marker').on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_keyed' }, markers.push))
    await sql.query(`begin; insert into public.rt_items (title) values ('unwatched'); insert into public.rt_keyed values (50, 'marker'); commit`)
    await markers.waitFor(1)

    const inbox = new Inbox<Change>()
    await subscribed(realtime.channel('rt-late').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items' }, inbox.push))
    const { rows: [{ id }] } = await sql.query(`insert into public.rt_items (title) values ('watched') returning id`)
    await sql.query(`update public.rt_items set qty = 2 where id = $1`, [id])
    await inbox.waitFor(2)
    await settle()
    expect(inbox.items.map(change => [change.eventType, (change.new as Row).title, (change.old as Row).qty])).toEqual([
      ['INSERT', 'watched', undefined],
      ['UPDATE', 'watched', null],
    ])
    await sql.query(`delete from public.rt_items where title in ('unwatched', 'watched')`)
    await sql.query('delete from public.rt_keyed where id = 50')
  })

  it('stops delivering to a channel once it is unsubscribed', async () => {
    const leaving = new Inbox<Change>()
    const staying = new Inbox<Change>()
    const realtime = await client()
    const channel = await subscribed(realtime.channel('rt-leaving').on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_keyed' }, leaving.push))
    await subscribed(realtime.channel('rt-staying').on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_keyed' }, staying.push))
    await sql.query(`insert into public.rt_keyed values (40, 'before')`)
    await leaving.waitFor(1)
    expect(await channel.unsubscribe()).toBe('ok')
    await sql.query(`insert into public.rt_keyed values (41, 'after')`)
    await staying.waitFor(2)
    expect(leaving.items.map(change => (change.new as Row).id)).toEqual([40])
    await sql.query('delete from public.rt_keyed where id in (40, 41)')
  })

  it('refuses a join for a table that does not exist or a filter that does not fit', async () => {
    const realtime = await client()
    await expect(subscribed(realtime.channel('rt-missing').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_nope' }, () => {})))
      .rejects.toThrow(/rt_nope does not exist/)
    await expect(subscribed(realtime.channel('rt-badfilter').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items', filter: 'qty=eq.many' }, () => {})))
      .rejects.toThrow(/invalid filter/)
    await expect(subscribed(realtime.channel('rt-badcolumn').on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items', filter: 'colour=eq.red' }, () => {})))
      .rejects.toThrow(/colour/)
  })
})
