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

describe('select', () => {
  it('returns every column with *, formatted as PostgreSQL formats JSON', async () => {
    const { data, error, status } = await f.anon.from('conf_books').select().eq('id', 1)
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([{
      id: 1,
      title: 'The Dispossessed',
      author_id: 1,
      editor_id: 2,
      rating: 4.5,
      price: 12.5,
      published_at: '2024-01-01T10:00:00+00:00',
      tags: ['scifi', 'utopia'],
      meta: { pages: 387, series: { name: 'Hainish' } },
      in_print: true,
      isbn: '978-0',
    }])
  })

  it('keeps column order and numeric text exactly as PostgreSQL prints them', async () => {
    const response = await restFetch(f, '/conf_books?select=id,price&id=eq.1')
    expect(await response.text()).toBe('[{"id":1,"price":12.50}]')
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  it('selects listed columns, aliases and casts', async () => {
    const { data, error } = await f.anon.from('conf_books').select('id, heading:title, rating::text').eq('id', 3)
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 3, heading: 'Solaris', rating: '4.2' }])
  })

  it('selects into JSON with -> and ->>', async () => {
    const { data, error } = await f.anon.from('conf_books').select('id, meta->pages, series:meta->series->>name').eq('id', 1)
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 1, pages: 387, series: 'Hainish' }])
  })
})

describe('order, limit, offset and range', () => {
  it('orders ascending and descending on several columns', async () => {
    const { data } = await f.anon.from('conf_books').select('id').order('in_print', { ascending: false }).order('id', { ascending: false })
    // DESC puts NULLs first by default, as PostgreSQL does.
    expect(data!.map(row => row.id)).toEqual([4, 2, 1, 5, 3])
  })

  it('honours nullsFirst and nullsLast', async () => {
    const first = await f.anon.from('conf_books').select('id').order('rating', { ascending: true, nullsFirst: true })
    expect(first.data!.map(row => row.id)).toEqual([4, 5, 3, 1, 2])
    const last = await f.anon.from('conf_books').select('id').order('rating', { ascending: false, nullsFirst: false })
    expect(last.data!.map(row => row.id)).toEqual([2, 1, 3, 5, 4])
  })

  it('limits and offsets through range()', async () => {
    const { data, error } = await f.anon.from('conf_books').select('id').order('id').range(1, 2)
    expect(error).toBeNull()
    expect(data!.map(row => row.id)).toEqual([2, 3])
    const limited = await f.anon.from('conf_books').select('id').order('id').limit(2)
    expect(limited.data!.map(row => row.id)).toEqual([1, 2])
  })

  it('honours a Range header as PostgREST does', async () => {
    const { data, error } = await f.anon.from('conf_books').select('id').order('id').setHeader('Range', '2-3')
    expect(error).toBeNull()
    expect(data!.map(row => row.id)).toEqual([3, 4])
  })
})

describe('count', () => {
  it('counts exactly, answering 206 with Content-Range for a partial page', async () => {
    const { data, count, status } = await f.anon.from('conf_books').select('id', { count: 'exact' }).order('id').range(0, 1)
    expect(data).toHaveLength(2)
    expect(count).toBe(5)
    expect(status).toBe(206)
    const response = await restFetch(f, '/conf_books?select=id&limit=2', { headers: { Prefer: 'count=exact' } })
    expect(response.headers.get('content-range')).toBe('0-1/5')
  })

  it('counts the filtered rows, and answers 200 when the page is everything', async () => {
    const { count, status } = await f.anon.from('conf_books').select('*', { count: 'exact' }).eq('author_id', 1)
    expect(count).toBe(2)
    expect(status).toBe(200)
  })

  it('counts with head: true and no body', async () => {
    const { data, count, error, status } = await f.anon.from('conf_books').select('*', { count: 'exact', head: true }).gt('rating', 4.3)
    expect(error).toBeNull()
    expect(data).toBeNull()
    expect(count).toBe(2)
    expect(status).toBe(200)
  })

  it('writes */0 for an empty counted result and */* without a count', async () => {
    const counted = await restFetch(f, '/conf_books?id=eq.999', { headers: { Prefer: 'count=exact' } })
    expect(counted.headers.get('content-range')).toBe('*/0')
    const uncounted = await restFetch(f, '/conf_books?id=eq.999')
    expect(uncounted.headers.get('content-range')).toBe('*/*')
    const page = await restFetch(f, '/conf_books?order=id&offset=1&limit=2')
    expect(page.headers.get('content-range')).toBe('1-2/*')
  })

  it('answers 416 PGRST103 for an offset past the end', async () => {
    const { error, status } = await f.anon.from('conf_books').select('id', { count: 'exact' }).range(10, 12)
    expect(status).toBe(416)
    expectErrorShape(error, 'PGRST103')
    expect(error!.details).toBe('An offset of 10 was requested, but there are only 5 rows.')
  })
})

describe('single and maybeSingle', () => {
  it('single() returns the one row as an object', async () => {
    const { data, error } = await f.anon.from('conf_authors').select('name').eq('id', 2).single()
    expect(error).toBeNull()
    expect(data).toEqual({ name: 'Stanislaw Lem' })
    const response = await restFetch(f, '/conf_authors?select=name&id=eq.2', { headers: { Accept: 'application/vnd.pgrst.object+json' } })
    expect(response.headers.get('content-type')).toBe('application/vnd.pgrst.object+json; charset=utf-8')
    expect(await response.text()).toBe('{"name":"Stanislaw Lem"}')
  })

  it('single() answers 406 PGRST116 for no rows and for several', async () => {
    const none = await f.anon.from('conf_authors').select().eq('id', 99).single()
    expect(none.status).toBe(406)
    expectErrorShape(none.error, 'PGRST116')
    expect(none.error!.message).toBe('Cannot coerce the result to a single JSON object')
    expect(none.error!.details).toBe('The result contains 0 rows')
    const many = await f.anon.from('conf_authors').select().eq('country', 'US').single()
    expect(many.status).toBe(406)
    expect(many.error!.details).toBe('The result contains 2 rows')
  })

  it('maybeSingle() gives null, the object, or PGRST116 for several', async () => {
    const none = await f.anon.from('conf_authors').select('id').eq('id', 99).maybeSingle()
    expect(none).toMatchObject({ data: null, error: null, status: 200 })
    const one = await f.anon.from('conf_authors').select('id').eq('id', 3).maybeSingle()
    expect(one.data).toEqual({ id: 3 })
    const many = await f.anon.from('conf_authors').select('id').eq('country', 'US').maybeSingle()
    expect(many.status).toBe(406)
    expect(many.error!.code).toBe('PGRST116')
  })
})

describe('HTTP details', () => {
  it('answers a CORS preflight and exposes Content-Range', async () => {
    const response = await fetch(`${f.apiUrl}/rest/v1/conf_books`, {
      method: 'OPTIONS',
      headers: { 'Origin': 'http://localhost:5173', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'apikey, authorization, prefer' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(response.headers.get('access-control-allow-headers')).toBe('apikey, authorization, prefer')
    expect(response.headers.get('access-control-expose-headers')).toContain('content-range')
    const get = await restFetch(f, '/conf_books?select=id&limit=1', { headers: { Origin: 'http://localhost:5173' } })
    expect(get.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  })

  it('accepts spaces around select items and treats an empty select as *', async () => {
    const spaced = await restFetch(f, `/conf_authors?select=${encodeURIComponent(' id , name ')}&id=eq.1`)
    expect(await spaced.json()).toEqual([{ id: 1, name: 'Ursula Le Guin' }])
    const empty = await restFetch(f, '/conf_authors?select=&id=eq.3')
    expect(await empty.json()).toEqual([{ id: 3, name: 'Octavia Butler', country: 'US', born: null }])
  })

  it('strips nulls when asked', async () => {
    const { data } = await f.anon.from('conf_authors').select('id, country').eq('id', 4).stripNulls()
    expect(data).toEqual([{ id: 4 }])
  })
})
