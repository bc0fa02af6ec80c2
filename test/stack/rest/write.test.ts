import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { expectErrorShape, restFetch, setupFixtures } from './fixtures.ts'
import type { Fixtures } from './fixtures.ts'

let f: Fixtures

beforeAll(async () => {
  f = await setupFixtures()
})

afterAll(async () => {
  await f?.sql.end()
})

beforeEach(async () => {
  await f.sql.query('truncate public.conf_counters')
})

/** postgrest-js types maxAffected() for PostgREST 13 clients only; the untyped fixture client has it at run time. */
function maxAffected<Q>(query: Q, rows: number): Q {
  return (query as unknown as { maxAffected: (n: number) => Q }).maxAffected(rows)
}

async function counters(): Promise<Array<Record<string, unknown>>> {
  const { rows } = await f.sql.query('select key, slot, value, label from public.conf_counters order by key')
  return rows
}

describe('insert', () => {
  it('inserts one row: 201 and no body by default', async () => {
    const { data, error, status } = await f.anon.from('conf_counters').insert({ key: 'a', value: 1 })
    expect(error).toBeNull()
    expect(status).toBe(201)
    expect(data).toBeNull()
    expect(await counters()).toEqual([{ key: 'a', slot: null, value: 1, label: 'unlabelled' }])
  })

  it('returns the inserted rows with select()', async () => {
    const { data, error, status } = await f.anon.from('conf_counters').insert({ key: 'b', value: 2 }).select('key, value, label')
    expect(error).toBeNull()
    expect(status).toBe(201)
    expect(data).toEqual([{ key: 'b', value: 2, label: 'unlabelled' }])
  })

  it('inserts in bulk; a key missing from a row becomes NULL', async () => {
    const { data, error } = await f.anon.from('conf_counters')
      .insert([{ key: 'c', label: 'x' }, { key: 'd', slot: 4 }])
      .select('key, slot, value, label')
    expect(error).toBeNull()
    // Keys absent from every row keep their default (value); keys absent from one row are NULL there.
    expect(data).toEqual([{ key: 'c', slot: null, value: 0, label: 'x' }, { key: 'd', slot: 4, value: 0, label: null }])
  })

  it('uses column defaults for missing keys with defaultToNull: false', async () => {
    const { data, error } = await f.anon.from('conf_counters')
      .insert([{ key: 'e', label: 'y' }, { key: 'f', value: 6 }], { defaultToNull: false })
      .select('key, value, label')
    expect(error).toBeNull()
    expect(data).toEqual([{ key: 'e', value: 0, label: 'y' }, { key: 'f', value: 6, label: 'unlabelled' }])
  })

  it('counts inserted rows with Content-Range */n', async () => {
    const { count, error } = await f.anon.from('conf_counters').insert([{ key: 'g', value: 0 }, { key: 'h', value: 0 }], { count: 'exact' })
    expect(error).toBeNull()
    expect(count).toBe(2)
  })

  it('single() on insert returns the object', async () => {
    const { data, error } = await f.anon.from('conf_counters').insert({ key: 'i', value: 9 }).select('key').single()
    expect(error).toBeNull()
    expect(data).toEqual({ key: 'i' })
  })

  it('single() on a two-row insert answers PGRST116 and rolls the insert back', async () => {
    const { error, status } = await f.anon.from('conf_counters').insert([{ key: 'j', value: 1 }, { key: 'k', value: 1 }]).select().single()
    expect(status).toBe(406)
    expectErrorShape(error, 'PGRST116')
    expect(await counters()).toEqual([])
  })
})

describe('upsert', () => {
  beforeEach(async () => {
    await f.sql.query(`insert into public.conf_counters (key, slot, value, label) values ('a', 1, 1, 'first')`)
  })

  it('merges duplicates on the primary key: 200 when only updating', async () => {
    const { data, error, status } = await f.anon.from('conf_counters').upsert({ key: 'a', value: 10 }).select('key, value, label')
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([{ key: 'a', value: 10, label: 'first' }])
  })

  it('merges and inserts in one request: 201', async () => {
    const { data, status } = await f.anon.from('conf_counters').upsert([{ key: 'a', value: 11 }, { key: 'b', value: 2 }]).select('key, value')
    expect(status).toBe(201)
    expect(data).toEqual([{ key: 'a', value: 11 }, { key: 'b', value: 2 }])
  })

  it('ignores duplicates with ignoreDuplicates', async () => {
    const { data, error, status } = await f.anon.from('conf_counters')
      .upsert([{ key: 'a', value: 99 }, { key: 'c', value: 3 }], { ignoreDuplicates: true })
      .select('key, value')
    expect(error).toBeNull()
    expect(status).toBe(201)
    expect(data).toEqual([{ key: 'c', value: 3 }])
    expect((await counters()).find(row => row.key === 'a')!.value).toBe(1)
  })

  it('resolves on another unique column with onConflict', async () => {
    const { error } = await f.anon.from('conf_counters').upsert({ key: 'z', slot: 1, value: 5 }, { onConflict: 'slot' })
    expect(error).toBeNull()
    expect(await counters()).toEqual([{ key: 'z', slot: 1, value: 5, label: 'first' }])
  })

  it('answers 409 23505 for a duplicate without a resolution', async () => {
    const { error, status } = await f.anon.from('conf_counters').insert({ key: 'a', value: 1 })
    expect(status).toBe(409)
    expectErrorShape(error, '23505')
    expect(error!.message).toBe('duplicate key value violates unique constraint "conf_counters_pkey"')
    expect(error!.details).toBe('Key (key)=(a) already exists.')
  })
})

describe('update', () => {
  beforeEach(async () => {
    await f.sql.query(`insert into public.conf_counters (key, value) values ('a', 1), ('b', 2), ('c', 3)`)
  })

  it('updates the filtered rows: 204 without select', async () => {
    const { data, error, status } = await f.anon.from('conf_counters').update({ label: 'low' }).lt('value', 3)
    expect(error).toBeNull()
    expect(status).toBe(204)
    expect(data).toBeNull()
    expect((await counters()).map(row => row.label)).toEqual(['low', 'low', 'unlabelled'])
  })

  it('returns the updated rows with select(), and counts them', async () => {
    const { data, count, status } = await f.anon.from('conf_counters').update({ value: 0 }, { count: 'exact' }).in('key', ['a', 'c']).select('key, value')
    expect(status).toBe(200)
    expect(count).toBe(2)
    expect(data).toEqual([{ key: 'a', value: 0 }, { key: 'c', value: 0 }])
  })

  it('single() on an update of several rows answers PGRST116 and rolls back', async () => {
    const { error } = await f.anon.from('conf_counters').update({ value: 7 }).gt('value', 0).select().single()
    expect(error!.code).toBe('PGRST116')
    expect((await counters()).map(row => row.value)).toEqual([1, 2, 3])
  })

  it('rolls back an update affecting more rows than maxAffected: 400 PGRST124', async () => {
    const { error, status } = await maxAffected(f.anon.from('conf_counters').update({ value: 9 }).gte('value', 2), 1)
    expect(status).toBe(400)
    expectErrorShape(error, 'PGRST124')
    expect(error!.details).toBe('The query affects 2 rows')
    expect((await counters()).map(row => row.value)).toEqual([1, 2, 3])
    const within = await maxAffected(f.anon.from('conf_counters').update({ value: 9 }).eq('key', 'c'), 1)
    expect(within.error).toBeNull()
  })

  it('refuses an update without a filter, as Supabase (pg-safeupdate) does', async () => {
    const { error, status } = await f.anon.from('conf_counters').update({ value: 0 })
    expect(status).toBe(400)
    expectErrorShape(error, '21000')
    expect(error!.message).toBe('UPDATE requires a WHERE clause')
  })
})

describe('delete', () => {
  beforeEach(async () => {
    await f.sql.query(`insert into public.conf_counters (key, value) values ('a', 1), ('b', 2), ('c', 3)`)
  })

  it('deletes the filtered rows: 204, or 200 with the rows under select()', async () => {
    const plain = await f.anon.from('conf_counters').delete().eq('key', 'a')
    expect(plain.status).toBe(204)
    const { data, status } = await f.anon.from('conf_counters').delete().eq('key', 'b').select('key')
    expect(status).toBe(200)
    expect(data).toEqual([{ key: 'b' }])
    expect((await counters()).map(row => row.key)).toEqual(['c'])
  })

  it('counts deleted rows', async () => {
    const { count, error } = await f.anon.from('conf_counters').delete({ count: 'exact' }).gte('value', 2)
    expect(error).toBeNull()
    expect(count).toBe(2)
  })

  it('refuses a delete without a filter', async () => {
    const { error, status } = await f.anon.from('conf_counters').delete()
    expect(status).toBe(400)
    expect(error!.message).toBe('DELETE requires a WHERE clause')
    expect(await counters()).toHaveLength(3)
  })
})

describe('constraint errors', () => {
  it('answers 409 23503 for a foreign key violation', async () => {
    const { error, status } = await f.anon.from('conf_reviews').insert({ book_id: 999, stars: 1 })
    expect(status).toBe(409)
    expectErrorShape(error, '23503')
  })

  it('answers 400 23502 for a NOT NULL violation', async () => {
    const { error, status } = await f.anon.from('conf_reviews').insert({ book_id: 1 })
    expect(status).toBe(400)
    expectErrorShape(error, '23502')
  })

  it('answers 400 PGRST204 for a payload column the table does not have', async () => {
    const { error, status } = await f.anon.from('conf_counters').insert({ key: 'x', nope: 1 })
    expect(status).toBe(400)
    expectErrorShape(error, 'PGRST204')
    expect(error!.message).toBe('Could not find the \'nope\' column of \'conf_counters\' in the schema cache')
  })

  it('answers 400 PGRST102 for bulk rows with different keys sent without ?columns', async () => {
    const response = await restFetch(f, '/conf_counters', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ key: 'x' }, { key: 'y', value: 1 }]),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 'PGRST102', message: 'All object keys must match', details: null, hint: null })
  })
})
