import { describe, expect, it } from 'vitest'
import { postgresChangesFilter } from '@supabase/supabase-js'
import { filterSql, FilterSyntaxError, parseFilter } from '../../../supabase/local/realtime/filters.ts'

describe('postgres_changes filter grammar', () => {
  it('reads what realtime-js\'s filter builder writes, quoting included', () => {
    const filter = postgresChangesFilter()
      .eq('room', 'a,b')
      .in('status', ['new', 'in "review"', ' padded '])
      .not('score', 'gte', 10)
      .is('archived', null)
      .build()
    expect(parseFilter(filter)).toEqual([
      { column: 'room', operator: 'eq', negate: false, value: 'a,b' },
      { column: 'status', operator: 'in', negate: false, value: ['new', 'in "review"', ' padded '] },
      { column: 'score', operator: 'gte', negate: true, value: '10' },
      { column: 'archived', operator: 'is', negate: false, value: 'null' },
    ])
  })

  it('treats an empty filter as no conditions and rejects malformed ones', () => {
    expect(parseFilter('')).toEqual([])
    expect(parseFilter(undefined)).toEqual([])
    for (const bad of ['undefined', 'id', 'id=5', 'id=between.1', 'id=in.1,2', 'id=in.()', 'name=eq."open', 'flag=is.maybe'])
      expect(() => parseFilter(bad), bad).toThrow(FilterSyntaxError)
  })

  it('keeps values out of the SQL text', () => {
    const params: unknown[] = []
    const filter = postgresChangesFilter().eq('title', `x'); drop table t; --`).in('qty', [1, 2]).not('note', 'ilike', '%a%').build()
    const sql = filterSql(parseFilter(filter), 'r', params)
    expect(sql).toBe('coalesce((r."title" = $1) and (r."qty" = any($2)) and not (r."note"::text ilike $3), false)')
    expect(params).toEqual([`x'); drop table t; --`, ['1', '2'], '%a%'])
  })
})
