import pg from 'pg'
import { log } from '../log.ts'
import { filterSql } from './filters.ts'
import type { FilterCondition } from './filters.ts'
import type { RelationInfo } from './relation-info.ts'
import type { WalTuple } from './wal-reader.ts'

export type JsonRecord = Record<string, unknown>

export interface ConvertedTuple {
  record: JsonRecord
  /** One entry per filter set asked for: does this row pass it? */
  matches: boolean[]
}

/**
 * Turns WAL text tuples of one relation into the JSON `to_jsonb(row)` gives, by casting each
 * text back to its column type in SQL (numbers, booleans, json, arrays and timestamps come out
 * exactly as PostgREST would show them), and evaluates subscription filters on the typed row in
 * the same round trip. Columns WAL left out (unchanged TOAST, key-only old rows) are omitted.
 */
export async function convertTuples(pool: pg.Pool, relation: RelationInfo, tuples: WalTuple[], filters: FilterCondition[][]): Promise<ConvertedTuple[]> {
  if (tuples.length === 0)
    return []
  const values = tuples.map(tuple => relation.columns.map(column => tuple[column.name] ?? null))
  const casts = relation.columns
    .map((column, i) => `(e.v ->> ${i})::${column.sqlType} as ${pg.escapeIdentifier(column.name)}`)
    .join(', ')
  const run = async (withFilters: FilterCondition[][]) => {
    const params: unknown[] = [JSON.stringify(values)]
    const predicates = withFilters.map((conditions, i) => `, ${filterSql(conditions, 'r', params)} as m${i}`).join('')
    const { rows } = await pool.query<Record<string, unknown>>(
      `select to_jsonb(r) as record${predicates}
       from jsonb_array_elements($1::jsonb) with ordinality as e(v, position)
       cross join lateral (select ${casts}) as r
       order by e.position`,
      params,
    )
    return rows
  }
  let rows: Record<string, unknown>[]
  let evaluated = true
  try {
    rows = await run(filters)
  }
  catch (error) {
    if (filters.length === 0)
      throw error
    // A filter that no longer fits the table (column dropped or retyped) matches nothing.
    log.error('realtime', `filters on ${relation.schema}.${relation.table} failed: ${(error as Error).message}`)
    rows = await run([])
    evaluated = false
  }
  return rows.map((row, i) => {
    const record = row.record as JsonRecord
    for (const column of relation.columns) {
      if (tuples[i][column.name] === undefined)
        delete record[column.name]
    }
    return { record, matches: filters.map((_, k) => evaluated && row[`m${k}`] === true) }
  })
}
