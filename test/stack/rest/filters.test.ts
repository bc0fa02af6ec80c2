import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupFixtures } from './fixtures.ts'
import type { Fixtures } from './fixtures.ts'

let f: Fixtures

beforeAll(async () => {
  f = await setupFixtures()
})

afterAll(async () => {
  await f?.sql.end()
})

/** The ids of the books a filtered query returns, in id order. */
async function bookIds(filter: (query: ReturnType<typeof select>) => ReturnType<typeof select>): Promise<number[]> {
  const { data, error } = await filter(select())
  expect(error).toBeNull()
  return (data as Array<{ id: number }>).map(row => row.id)
}

function select() {
  return f.anon.from('conf_books').select('id').order('id')
}

describe('comparison filters', () => {
  it('eq, neq, gt, gte, lt, lte', async () => {
    expect(await bookIds(q => q.eq('author_id', 1))).toEqual([1, 2])
    expect(await bookIds(q => q.neq('author_id', 1))).toEqual([3, 4])
    expect(await bookIds(q => q.gt('rating', 4.5))).toEqual([2])
    expect(await bookIds(q => q.gte('rating', 4.5))).toEqual([1, 2])
    expect(await bookIds(q => q.lt('rating', 4.5))).toEqual([3, 5])
    expect(await bookIds(q => q.lte('rating', 4.2))).toEqual([3, 5])
  })

  it('compares timestamps and text with their own types', async () => {
    expect(await bookIds(q => q.gte('published_at', '2024-02-01T10:00:00Z'))).toEqual([2, 4])
    expect(await bookIds(q => q.eq('title', 'Solaris'))).toEqual([3])
  })

  it('like and ilike, with * or % as wildcard', async () => {
    expect(await bookIds(q => q.like('title', 'The*'))).toEqual([1, 2])
    expect(await bookIds(q => q.like('title', '%dred'))).toEqual([4])
    expect(await bookIds(q => q.ilike('title', '%SOLAR%'))).toEqual([3])
    expect(await bookIds(q => q.likeAnyOf('title', ['Sol%', 'Kin%']))).toEqual([3, 4])
  })

  it('is null, is true, is false', async () => {
    expect(await bookIds(q => q.is('rating', null))).toEqual([4])
    expect(await bookIds(q => q.is('in_print', true))).toEqual([1, 2])
    expect(await bookIds(q => q.is('in_print', false))).toEqual([3, 5])
    expect(await bookIds(q => q.not('in_print', 'is', null))).toEqual([1, 2, 3, 5])
  })

  it('in and not in, with values that need quoting', async () => {
    expect(await bookIds(q => q.in('id', [2, 4, 99]))).toEqual([2, 4])
    expect(await bookIds(q => q.in('title', ['Solaris', 'Anonymous (draft)']))).toEqual([3, 5])
    expect(await bookIds(q => q.in('id', []))).toEqual([])
    expect(await bookIds(q => q.notIn('id', [1, 2, 3]))).toEqual([4, 5])
    const { data } = await f.anon.from('conf_authors').select('id').in('name', ['Nobody, Jr.'])
    expect(data).toEqual([{ id: 4 }])
  })

  it('not negates any operator', async () => {
    expect(await bookIds(q => q.not('author_id', 'eq', 1))).toEqual([3, 4])
    expect(await bookIds(q => q.not('title', 'like', 'The*'))).toEqual([3, 4, 5])
  })

  it('isDistinct treats null as a value', async () => {
    expect(await bookIds(q => q.isDistinct('author_id', 1))).toEqual([3, 4, 5])
  })

  it('match() and filter() pass through as equality and raw operators', async () => {
    expect(await bookIds(q => q.match({ author_id: 1, in_print: true }))).toEqual([1, 2])
    expect(await bookIds(q => q.filter('rating', 'gte', '4.5'))).toEqual([1, 2])
  })

  it('regular expressions with match and imatch', async () => {
    expect(await bookIds(q => q.regexMatch('title', '^The'))).toEqual([1, 2])
    expect(await bookIds(q => q.regexIMatch('title', '^the left'))).toEqual([2])
  })
})

describe('or and and', () => {
  it('or() combines conditions', async () => {
    expect(await bookIds(q => q.or('author_id.eq.2,rating.is.null'))).toEqual([3, 4])
  })

  it('nests and() inside or() and accepts not.', async () => {
    expect(await bookIds(q => q.or('and(author_id.eq.1,rating.gt.4.6),id.eq.5'))).toEqual([2, 5])
    expect(await bookIds(q => q.or('not.and(author_id.eq.1,in_print.is.true),id.eq.1'))).toEqual([1, 3, 4, 5])
  })

  it('quotes values with reserved characters inside or()', async () => {
    expect(await bookIds(q => q.or('title.eq."Anonymous (draft)",title.eq.Solaris'))).toEqual([3, 5])
    expect(await bookIds(q => q.or('id.in.(1,2),title.eq.Kindred'))).toEqual([1, 2, 4])
  })

  it('ANDs or() with the other filters', async () => {
    expect(await bookIds(q => q.eq('in_print', true).or('id.eq.2,id.eq.3'))).toEqual([2])
  })
})

describe('array, json and range operators', () => {
  it('contains, containedBy and overlaps on arrays', async () => {
    expect(await bookIds(q => q.contains('tags', ['scifi', 'classic']))).toEqual([3])
    expect(await bookIds(q => q.containedBy('tags', ['scifi', 'utopia']))).toEqual([1, 2, 4])
    expect(await bookIds(q => q.overlaps('tags', ['utopia', 'draft']))).toEqual([1, 5])
  })

  it('contains on jsonb', async () => {
    expect(await bookIds(q => q.contains('meta', { series: { name: 'Hainish' } }))).toEqual([1])
  })

  it('filters on a JSON path', async () => {
    expect(await bookIds(q => q.gt('meta->pages', 300))).toEqual([1, 2])
    expect(await bookIds(q => q.eq('meta->series->>name', 'Hainish'))).toEqual([1])
  })

  it('full-text search', async () => {
    expect(await bookIds(q => q.textSearch('title', 'left & darkness', { config: 'english' }))).toEqual([2])
    expect(await bookIds(q => q.textSearch('title', 'hand darkness', { type: 'plain' }))).toEqual([2])
  })
})
