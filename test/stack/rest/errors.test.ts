import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectErrorShape, restFetch, setupFixtures } from './fixtures.ts'
import type { Fixtures } from './fixtures.ts'

let f: Fixtures

beforeAll(async () => {
  f = await setupFixtures()
})

afterAll(async () => {
  await f?.sql.end()
})

describe('malformed requests', () => {
  it('answers 400 42703 for an unknown column in select', async () => {
    const { error, status } = await f.anon.from('conf_books').select('id, nope')
    expect(status).toBe(400)
    expectErrorShape(error, '42703')
    expect(error!.message).toBe('column conf_books.nope does not exist')
  })

  it('answers 400 42703 for an unknown column in a filter or order', async () => {
    const filtered = await f.anon.from('conf_books').select('id').eq('nope', 1)
    expect(filtered.status).toBe(400)
    expect(filtered.error!.code).toBe('42703')
    const ordered = await f.anon.from('conf_books').select('id').order('nope')
    expect(ordered.error!.code).toBe('42703')
  })

  it('answers 400 PGRST100 for a filter it cannot parse', async () => {
    const { error, status } = await f.anon.from('conf_books').select('id').filter('id', 'equals', '1')
    expect(status).toBe(400)
    expectErrorShape(error, 'PGRST100')
    expect(error!.message).toBe('"failed to parse filter (equals.1)" (line 1, column 1)')
    expect(error!.details).toBe('unexpected "e" expecting "not" or operator (eq, gt, ...)')
  })

  it('answers 400 PGRST100 for bad or/select/order syntax', async () => {
    const or = await f.anon.from('conf_books').select('id').or('id.eq.1,id.eq')
    expect(or.status).toBe(400)
    expect(or.error!.code).toBe('PGRST100')
    const select = await f.anon.from('conf_books').select('id,(title')
    expect(select.error!.code).toBe('PGRST100')
    const order = await restFetch(f, '/conf_books?order=id.sideways')
    expect(order.status).toBe(400)
    expect((await order.json()).code).toBe('PGRST100')
  })

  it('answers 400 22P02 for a value of the wrong type', async () => {
    const { error, status } = await f.anon.from('conf_books').select('id').eq('id', 'abc')
    expect(status).toBe(400)
    expectErrorShape(error, '22P02')
    expect(error!.message).toBe('invalid input syntax for type integer: "abc"')
  })

  it('serves a query shape again after it failed while binding or while parsing', async () => {
    // Sequential requests reuse one pooled connection, so these run on the one that just failed.
    for (let round = 0; round < 2; round++) {
      expect((await f.anon.from('conf_books').select('id').eq('id', 'abc')).error!.code).toBe('22P02')
      expect((await f.anon.from('conf_books').select('id').eq('id', 3)).data).toEqual([{ id: 3 }])
      expect((await f.anon.from('conf_books').select('id').like('id', '3')).error!.code).toBe('42883')
      expect((await f.anon.from('conf_books').select('id').gt('id', 2).order('id').limit(1)).data).toEqual([{ id: 3 }])
    }
  })

  it('answers 400 PGRST102 for a body that is not JSON', async () => {
    const response = await restFetch(f, '/conf_counters', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"key": ' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 'PGRST102', message: 'Empty or invalid json', details: null, hint: null })
    const rpc = await restFetch(f, '/rpc/conf_add', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'a=1' })
    expect(rpc.status).toBe(400)
  })

  it('answers 404 PGRST205 for a table that does not exist', async () => {
    const { error, status } = await f.anon.from('conf_nope').select()
    expect(status).toBe(404)
    expectErrorShape(error, 'PGRST205')
    expect(error!.message).toBe('Could not find the table \'public.conf_nope\' in the schema cache')
  })

  it('answers 406 PGRST106 for a schema that is not exposed', async () => {
    const { error, status } = await f.anon.schema('auth').from('users').select()
    expect(status).toBe(406)
    expectErrorShape(error, 'PGRST106')
    expect(error!.hint).toBe('Only the following schemas are exposed: public')
  })

  it('answers 401/403 42501 when the role lacks the privilege', async () => {
    await f.sql.query('revoke select on public.conf_log from anon, authenticated')
    const anon = await f.anon.from('conf_log').select()
    expect(anon.status).toBe(401)
    expect(anon.error!.message).toBe('permission denied for table conf_log')
    const alice = await f.alice.from('conf_log').select()
    expect(alice.status).toBe(403)
    await f.sql.query('grant select on public.conf_log to anon, authenticated')
  })

  it('answers 406 PGRST107 for a media type it does not offer', async () => {
    const response = await restFetch(f, '/conf_books', { headers: { Accept: 'text/csv' } })
    expect(response.status).toBe(406)
    expect(await response.json()).toEqual({ code: 'PGRST107', message: 'None of these media types are available: text/csv', details: null, hint: null })
  })

  it('answers 405 for a method PostgREST does not serve', async () => {
    const response = await restFetch(f, '/rpc/conf_add', { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect((await response.json()).code).toBe('PGRST101')
  })
})

describe('schema cache', () => {
  it('sees a table created after the first request, as DDL notifies a reload', async () => {
    await f.anon.from('conf_books').select('id').limit(1)
    await f.sql.query('create table public.conf_late (id int primary key, book_id int references public.conf_books (id))')
    await f.sql.query('insert into public.conf_late values (1, 3)')
    const { data, error } = await f.anon.from('conf_late').select('id, conf_books(title)')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 1, conf_books: { title: 'Solaris' } }])
    await f.sql.query('drop table public.conf_late')
    const gone = await f.anon.from('conf_late').select()
    expect(gone.status).toBe(404)
  })

  it('sees a new function and reloads on NOTIFY pgrst', async () => {
    await f.sql.query('create function public.conf_late_fn() returns int language sql as \'select 7\'')
    expect((await f.anon.rpc('conf_late_fn')).data).toBe(7)
    await f.sql.query('drop function public.conf_late_fn')
    await f.sql.query('notify pgrst, \'reload schema\'')
    expect((await f.anon.rpc('conf_late_fn')).status).toBe(404)
  })
})
