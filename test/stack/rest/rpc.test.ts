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

describe('calling functions', () => {
  it('POSTs named arguments and returns a scalar as bare JSON', async () => {
    const { data, error, status } = await f.anon.rpc('conf_add', { a: 2, b: 40 })
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toBe(42)
    const response = await restFetch(f, '/rpc/conf_add', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1,"b":1}' })
    expect(await response.text()).toBe('2')
  })

  it('GETs with arguments in the query string', async () => {
    const { data, error } = await f.anon.rpc('conf_add', { a: 5, b: 6 }, { get: true })
    expect(error).toBeNull()
    expect(data).toBe(11)
  })

  it('lets parameters with a default be left out', async () => {
    expect((await f.anon.rpc('conf_greet', { name: 'Ada' })).data).toBe('Hello, Ada')
    expect((await f.anon.rpc('conf_greet', { name: 'Ada', greeting: 'Hi' })).data).toBe('Hi, Ada')
  })

  it('returns setof rows as an array that filters, orders and limits like a table', async () => {
    const all = await f.anon.rpc('conf_books_by', { author: 1 }).select('id, title')
    expect(all.data).toEqual([{ id: 1, title: 'The Dispossessed' }, { id: 2, title: 'The Left Hand of Darkness' }])
    const filtered = await f.anon.rpc('conf_books_by', { author: 1 }).select('id').gt('rating', 4.6)
    expect(filtered.data).toEqual([{ id: 2 }])
    const ordered = await f.anon.rpc('conf_books_by', { author: 1 }).select('id').order('id', { ascending: false }).limit(1)
    expect(ordered.data).toEqual([{ id: 2 }])
  })

  it('embeds over foreign keys from rows of a table type', async () => {
    const { data, error } = await f.anon.rpc('conf_books_by', { author: 2 }).select('title, conf_reviews(stars)')
    expect(error).toBeNull()
    expect(data).toEqual([{ title: 'Solaris', conf_reviews: [{ stars: 4 }] }])
  })

  it('returns a TABLE result as an array and a single composite as an object', async () => {
    const summary = await f.anon.rpc('conf_author_summary', { author: 1 })
    expect(summary.data).toEqual([{ name: 'Ursula Le Guin', book_count: 2 }])
    const top = await f.anon.rpc('conf_top_book').select('id, title')
    expect(top.data).toEqual({ id: 2, title: 'The Left Hand of Darkness' })
  })

  it('returns setof scalars as an array', async () => {
    const { data } = await f.anon.rpc('conf_numbers', { n: 3 })
    expect(data).toEqual([1, 2, 3])
  })

  it('passes the whole body to a single unnamed jsonb parameter', async () => {
    const { data, error } = await f.anon.rpc('conf_echo', { anything: [1, { nested: true }] })
    expect(error).toBeNull()
    expect(data).toEqual({ anything: [1, { nested: true }] })
  })

  it('answers 204 with no data for a void function, and its writes commit', async () => {
    const { data, error, status } = await f.anon.rpc('conf_touch', { message: 'hello' })
    expect(error).toBeNull()
    expect(status).toBe(204)
    expect(data).toBeNull()
    const { rows } = await f.sql.query('select message from public.conf_log')
    expect(rows).toEqual([{ message: 'hello' }])
  })

  it('rolls back the writes of a call that fails, and the next request on the connection runs as its own role', async () => {
    const failed = await f.alice.rpc('conf_touch_then_fail', { message: 'not kept' })
    expect(failed.status).toBe(400)
    expectErrorShape(failed.error, 'P0001')
    const { rows } = await f.sql.query(`select 1 from public.conf_log where message = 'not kept'`)
    expect(rows).toEqual([])
    // Requests run one after another reuse the connection the failed one had.
    for (let i = 0; i < 3; i++) {
      const { data } = await f.anon.rpc('conf_whoami', {}, { get: true })
      expect(data).toMatchObject({ uid: null, role: 'anon', claim_role: 'anon', method: 'GET', timeout: '3s' })
    }
  })

  it('single() on a setof function needs exactly one row', async () => {
    const one = await f.anon.rpc('conf_books_by', { author: 2 }).select('id').single()
    expect(one.data).toEqual({ id: 3 })
    const two = await f.anon.rpc('conf_books_by', { author: 1 }).single()
    expect(two.status).toBe(406)
    expect(two.error!.code).toBe('PGRST116')
  })

  it('counts with head: true', async () => {
    const { count, data, error } = await f.anon.rpc('conf_numbers', { n: 7 }, { head: true, count: 'exact' })
    expect(error).toBeNull()
    expect(data).toBeNull()
    expect(count).toBe(7)
  })

  it('runs with the request\'s role, claims, method and headers', async () => {
    const { data } = await f.alice.rpc('conf_whoami')
    expect(data).toMatchObject({ uid: f.aliceId, role: 'authenticated', claim_role: 'authenticated', method: 'POST', path: '/rpc/conf_whoami' })
    expect(data.client).toMatch(/^supabase-js/)
    const anon = await f.anon.rpc('conf_whoami', {}, { get: true })
    expect(anon.data).toMatchObject({ uid: null, role: 'anon', method: 'GET' })
  })

  it('applies the role\'s own settings, such as statement_timeout', async () => {
    expect((await f.anon.rpc('conf_whoami')).data.timeout).toBe('3s')
    expect((await f.alice.rpc('conf_whoami')).data.timeout).toBe('8s')
  })

  it('honours response.status and response.headers set by the function', async () => {
    const { data, status } = await f.anon.rpc('conf_enqueue')
    expect(status).toBe(202)
    expect(data).toBe('queued')
    const response = await restFetch(f, '/rpc/conf_enqueue', { method: 'POST' })
    expect(response.headers.get('x-queue-position')).toBe('7')
  })
})

describe('function errors', () => {
  it('answers 400 P0001 with message, detail and hint for RAISE EXCEPTION', async () => {
    const { error, status } = await f.anon.rpc('conf_fail', { reason: 'no' })
    expect(status).toBe(400)
    expect(error).toEqual({ code: 'P0001', message: 'refused: no', details: 'the detail', hint: 'the hint' })
  })

  it('answers the PTnnn status of a custom SQLSTATE', async () => {
    const { error, status } = await f.anon.rpc('conf_payment_required')
    expect(status).toBe(402)
    expectErrorShape(error, 'PT402')
    expect(error!.message).toBe('pay first')
  })

  it('answers 404 PGRST202 for an unknown function or arguments', async () => {
    const unknown = await f.anon.rpc('conf_nope', { x: 1 })
    expect(unknown.status).toBe(404)
    expectErrorShape(unknown.error, 'PGRST202')
    expect(unknown.error!.message).toBe('Could not find the function public.conf_nope(x) in the schema cache')
    const wrongArgs = await f.anon.rpc('conf_add', { a: 1, c: 2 })
    expect(wrongArgs.status).toBe(404)
    expect(wrongArgs.error!.details).toBe('Searched for the function public.conf_add with parameters a, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.')
  })

  it('refuses writes from a GET call (read-only transaction): 405 25006', async () => {
    const { error, status } = await f.anon.rpc('conf_touch', { message: 'via get' }, { get: true })
    expect(status).toBe(405)
    expectErrorShape(error, '25006')
  })
})
