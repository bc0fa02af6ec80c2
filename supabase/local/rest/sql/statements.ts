import type { ReadNode } from '../plan/read-plan.ts'
import { countSql, nodeSql } from './read.ts'
import type { RootSource } from './read.ts'
import type { SqlParams } from './params.ts'

/** How the rows become the response body; all JSON is produced by PostgreSQL itself. */
export type BodyShape = 'array' | 'object' | 'scalar' | 'scalar-array' | 'none'

export const sourceCte = 'pgrst_source'

/** One row: what the executor reads back from every main statement. */
export interface StatementResult {
  total_result_set: string | null
  page_total: string
  body: string | null
  response_headers: string | null
  response_status: string | null
  response_inserted: number | null
}

/** The main statement's row from its fields as text, in the column order every statement here selects. */
export function statementResult(fields: Array<string | null>): StatementResult {
  const [total, pageTotal, body, headers, status, inserted] = fields
  return {
    total_result_set: total,
    page_total: pageTotal ?? '0',
    body,
    response_headers: headers,
    response_status: status,
    response_inserted: inserted === null ? null : Number(inserted),
  }
}

function bodySql(shape: BodyShape, stripNulls: boolean): string {
  const strip = (json: string) => stripNulls ? `json_strip_nulls(${json})` : json
  switch (shape) {
    case 'array':
      return `coalesce(${strip('json_agg(_postgrest_t)')}, '[]')::text`
    case 'object':
      return `coalesce((${strip('json_agg(_postgrest_t)')}->0)::text, 'null')`
    case 'scalar':
      return `coalesce((json_agg(_postgrest_t.pgrst_scalar)->0)::text, 'null')`
    case 'scalar-array':
      return `coalesce(json_agg(_postgrest_t.pgrst_scalar), '[]')::text`
    case 'none':
      return 'NULL::text'
  }
}

// Functions may set these GUCs to override the response's status and headers.
const gucColumns = `nullif(current_setting('response.headers', true), '') AS response_headers, `
  + `nullif(current_setting('response.status', true), '') AS response_status`

export interface Output {
  shape: BodyShape
  stripNulls: boolean
}

/**
 * The total for `Prefer: count=…`. Without a range the page is the whole result, so its size is
 * the total; otherwise a separate count over the same filters.
 */
function totalSql(node: ReadNode, source: RootSource, params: SqlParams, schema: string, count: boolean): string {
  if (!count)
    return 'null::bigint'
  if (!node.range)
    return 'pg_catalog.count(_postgrest_t)'
  return `(SELECT pg_catalog.count(*) FROM (${countSql(node, source, params, schema)}) pgrst_count)`
}

/** GET/HEAD on a table or view. */
export function readStatement(node: ReadNode, table: string, schema: string, params: SqlParams, output: Output, count: boolean): string {
  const source: RootSource = { schema, table }
  const select = nodeSql(node, source, params, schema)
  const total = totalSql(node, source, params, schema, count)
  return `WITH ${sourceCte} AS (${select}) SELECT ${total} AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, `
    + `${bodySql(output.shape, output.stripNulls)} AS body, ${gucColumns}, NULL::int AS response_inserted `
    + `FROM (SELECT * FROM ${sourceCte}) _postgrest_t`
}

/**
 * INSERT/UPDATE/DELETE in a CTE, then the representation read from its RETURNING rows (or, for
 * `return=minimal`, just their number). `countsInserted`: an upsert's inserted-row counter.
 */
export function mutationStatement(
  mutation: string,
  node: ReadNode | undefined,
  schema: string,
  params: SqlParams,
  output: Output,
  countsInserted: boolean,
): string {
  const rows = node ? nodeSql(node, { cte: sourceCte }, params, schema) : `SELECT 1 FROM ${sourceCte}`
  const inserted = countsInserted ? `nullif(current_setting('pgrst.inserted', true), '')::int` : 'NULL::int'
  return `WITH ${sourceCte} AS (${mutation}) SELECT '' AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, `
    + `${node ? bodySql(output.shape, output.stripNulls) : 'NULL::text'} AS body, ${gucColumns}, ${inserted} AS response_inserted `
    + `FROM (${rows}) _postgrest_t`
}

/** A function call in a CTE; its rows are read like a table's (filters, order, range, embeds). */
export function callStatement(call: string, node: ReadNode, schema: string, params: SqlParams, output: Output, count: boolean, single: boolean): string {
  const source: RootSource = { cte: sourceCte }
  const select = nodeSql(node, source, params, schema)
  const total = totalSql(node, source, params, schema, count)
  // A function returning one value or row always has a page of one.
  const pageTotal = single ? '1' : 'pg_catalog.count(_postgrest_t)'
  return `WITH ${sourceCte} AS (${call}) SELECT ${total} AS total_result_set, ${pageTotal} AS page_total, `
    + `${bodySql(output.shape, output.stripNulls)} AS body, ${gucColumns}, NULL::int AS response_inserted `
    + `FROM (${select}) _postgrest_t`
}
