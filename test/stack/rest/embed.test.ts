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

describe('many-to-one', () => {
  it('embeds the referenced row as an object, or null', async () => {
    const { data, error } = await f.anon.from('conf_books').select('id, conf_authors!author_id(name)').in('id', [3, 5]).order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { id: 3, conf_authors: { name: 'Stanislaw Lem' } },
      { id: 5, conf_authors: null },
    ])
  })

  it('embeds under an alias and by foreign key name or column', async () => {
    const { data, error } = await f.anon.from('conf_books')
      .select('title, author:conf_authors!conf_books_author_id_fkey(name), editor:editor_id(name)')
      .eq('id', 1)
      .single()
    expect(error).toBeNull()
    expect(data).toEqual({ title: 'The Dispossessed', author: { name: 'Ursula Le Guin' }, editor: { name: 'Stanislaw Lem' } })
  })

  it('answers 300 PGRST201 when two foreign keys reach the same table', async () => {
    const { error, status } = await f.anon.from('conf_books').select('id, conf_authors(name)')
    expect(status).toBe(300)
    expectErrorShape(error, 'PGRST201')
    expect(error!.message).toBe('Could not embed because more than one relationship was found for \'conf_books\' and \'conf_authors\'')
    expect(error!.hint).toContain('\'conf_authors!conf_books_editor_fkey\'')
    expect(error!.details).toHaveLength(2)
  })

  it('embeds objects as jsonb, so keys follow jsonb order', async () => {
    const response = await restFetch(f, '/conf_books?select=id,author:conf_authors!author_id(name,id)&id=eq.3')
    expect(await response.text()).toBe('[{"id":3,"author":{"id": 2, "name": "Stanislaw Lem"}}]')
  })

  it('orders parents by a column of a to-one embed', async () => {
    const { data, error } = await f.anon.from('conf_books')
      .select('id, author:conf_authors!author_id(name)')
      .not('author_id', 'is', null)
      .order('author(name)', { ascending: true })
      .order('id')
    expect(error).toBeNull()
    // Octavia Butler, Stanislaw Lem, Ursula Le Guin (two books, by id).
    expect(data!.map(row => row.id)).toEqual([4, 3, 1, 2])
  })

  it('applies or() inside an embedded resource', async () => {
    const { data, error } = await f.anon.from('conf_books')
      .select('id, conf_reviews(stars)')
      .eq('id', 1)
      .or('stars.eq.3,body.eq.nothing', { referencedTable: 'conf_reviews' })
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 1, conf_reviews: [{ stars: 3 }] }])
  })

  it('spreads a to-one embed into its parent', async () => {
    const { data, error } = await f.anon.from('conf_books').select('title, ...conf_authors!author_id(author_name:name, country)').eq('id', 4)
    expect(error).toBeNull()
    expect(data).toEqual([{ title: 'Kindred', author_name: 'Octavia Butler', country: 'US' }])
  })
})

describe('one-to-many', () => {
  it('embeds the referencing rows as an array, empty when none', async () => {
    const { data, error } = await f.anon.from('conf_authors').select('name, books:conf_books!author_id(id)').in('id', [1, 4]).order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { name: 'Ursula Le Guin', books: [{ id: 1 }, { id: 2 }] },
      { name: 'Nobody, Jr.', books: [] },
    ])
  })

  it('nests several levels deep', async () => {
    const { data, error } = await f.anon.from('conf_authors')
      .select('id, conf_books!author_id(title, conf_reviews(stars))')
      .eq('id', 2)
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 2, conf_books: [{ title: 'Solaris', conf_reviews: [{ stars: 4 }] }] }])
  })

  it('filters, orders and limits the embedded rows', async () => {
    const { data, error } = await f.anon.from('conf_books')
      .select('id, conf_reviews(stars, body)')
      .eq('id', 1)
      .order('stars', { referencedTable: 'conf_reviews', ascending: true })
      .limit(1, { referencedTable: 'conf_reviews' })
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 1, conf_reviews: [{ stars: 3, body: 'slow' }] }])
    const filtered = await f.anon.from('conf_books').select('id, conf_reviews(stars)').eq('conf_reviews.stars', 5).order('id')
    expect(filtered.data).toEqual([
      { id: 1, conf_reviews: [{ stars: 5 }] },
      { id: 2, conf_reviews: [{ stars: 5 }] },
      { id: 3, conf_reviews: [] },
      { id: 4, conf_reviews: [] },
      { id: 5, conf_reviews: [] },
    ])
  })

  it('!inner keeps only parents with matching embedded rows, and counts them', async () => {
    const { data, count, error } = await f.anon.from('conf_books')
      .select('id, conf_reviews!inner(stars)', { count: 'exact' })
      .gte('conf_reviews.stars', 4)
      .order('id')
    expect(error).toBeNull()
    expect(data).toEqual([
      { id: 1, conf_reviews: [{ stars: 5 }] },
      { id: 2, conf_reviews: [{ stars: 5 }] },
      { id: 3, conf_reviews: [{ stars: 4 }] },
    ])
    expect(count).toBe(3)
  })

  it('an empty embed filters without adding a key', async () => {
    const { data, error } = await f.anon.from('conf_authors').select('id, conf_books!author_id!inner()').eq('conf_books.in_print', false).order('id')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 2 }])
  })

  it('filters parents on whether an embed is null', async () => {
    const { data, error } = await f.anon.from('conf_books').select('id, conf_authors!author_id(id)').not('conf_authors', 'is', null).eq('conf_authors.country', 'PL')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 3, conf_authors: { id: 2 } }])
  })
})

describe('one-to-one', () => {
  it('embeds as an object from both sides of a unique foreign key', async () => {
    const { data, error } = await f.anon.from('conf_authors').select('id, conf_profiles(bio)').in('id', [2, 3]).order('id')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 2, conf_profiles: { bio: 'Kraków' } }, { id: 3, conf_profiles: null }])
  })
})

describe('embedding errors', () => {
  it('answers 400 PGRST200 for a relationship that does not exist', async () => {
    const { error, status } = await f.anon.from('conf_authors').select('id, conf_log(*)')
    expect(status).toBe(400)
    expectErrorShape(error, 'PGRST200')
    expect(error!.message).toBe('Could not find a relationship between \'conf_authors\' and \'conf_log\' in the schema cache')
  })

  it('answers 400 PGRST108 for a filter on a resource that is not embedded', async () => {
    const { error, status } = await f.anon.from('conf_books').select('id').eq('conf_reviews.stars', 5)
    expect(status).toBe(400)
    expectErrorShape(error, 'PGRST108')
  })
})
