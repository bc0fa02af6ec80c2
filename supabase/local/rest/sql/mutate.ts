import pg from 'pg'
import type { Filter, LogicTree } from '../parser/types.ts'
import type { Table } from '../schema/introspect.ts'
import { filterSql, logicSql } from './filters.ts'
import { ident, qualified } from './params.ts'
import type { SqlParams } from './params.ts'

const noEmbeds = () => undefined

// An upsert's inserted rows are counted in a transaction-local setting: +1 per row offered
// for insertion, -1 per conflicting row updated instead. This needs no SELECT privilege,
// unlike reading xmax through RETURNING (which would bring SELECT policies into play).
const countOffered = `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'`
const countUpdated = `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'`

/** `RETURNING 1` when no representation is asked for, so SELECT policies do not apply (as with PostgREST). */
function returningSql(table: Table, representation: boolean): string {
  return representation ? ` RETURNING ${ident(table.name)}.*` : ' RETURNING 1'
}

export interface WhereParts {
  filters: Filter[]
  logic: LogicTree[]
}

function whereSql(table: Table, where: WhereParts, params: SqlParams): string {
  const conditions = [
    ...where.filters.map(filter => filterSql(table.name, filter, params, noEmbeds)),
    ...where.logic.map(tree => logicSql(table.name, tree, params, noEmbeds)),
  ]
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
}

export interface InsertSpec {
  schema: string
  table: Table
  columns: string[]
  /** JSON text of an array of objects. */
  rows: string
  onConflict?: { columns: string[], resolution: 'merge-duplicates' | 'ignore-duplicates' }
  /** `Prefer: missing=default`: absent keys take the column DEFAULT rather than NULL. */
  missingDefault: boolean
  representation: boolean
}

/** The source of inserted rows: the JSON array, typed by the table's row type. */
function insertSourceSql(spec: InsertSpec, params: SqlParams): string {
  const target = qualified(spec.schema, spec.table.name)
  const rows = params.add(spec.rows)
  const defaults = spec.missingDefault
    ? spec.columns.flatMap((name) => {
        const expression = spec.table.columns.get(name)?.default
        return expression ? [`${pg.escapeLiteral(name)}, ${expression}`] : []
      })
    : []
  if (defaults.length === 0)
    return `json_populate_recordset(NULL::${target}, ${rows}::json) AS pgrst_body`
  // Defaults (from the catalog) are merged under each row, so they are evaluated once per row.
  return `(SELECT jsonb_agg(jsonb_build_object(${defaults.join(', ')}) || pgrst_element) AS pgrst_rows `
    + `FROM jsonb_array_elements(${rows}::jsonb) AS pgrst_element) AS pgrst_defaults, `
    + `LATERAL jsonb_populate_recordset(NULL::${target}, pgrst_defaults.pgrst_rows) AS pgrst_body`
}

export function insertSql(spec: InsertSpec, params: SqlParams): string {
  const target = qualified(spec.schema, spec.table.name)
  const columns = spec.columns.map(ident)
  const merge = spec.onConflict?.resolution === 'merge-duplicates'
  let sql = `INSERT INTO ${target}${columns.length ? ` (${columns.join(', ')})` : ''} `
    + `SELECT ${columns.map(column => `pgrst_body.${column}`).join(', ')} FROM ${insertSourceSql(spec, params)}`
  if (merge)
    sql += ` WHERE ${countOffered}`
  if (spec.onConflict && spec.onConflict.columns.length > 0) {
    sql += ` ON CONFLICT (${spec.onConflict.columns.map(ident).join(', ')}) `
    sql += merge && columns.length > 0
      ? `DO UPDATE SET ${columns.map(column => `${column} = EXCLUDED.${column}`).join(', ')} WHERE ${countUpdated}`
      : 'DO NOTHING'
  }
  return sql + returningSql(spec.table, spec.representation)
}

export interface UpdateSpec {
  schema: string
  table: Table
  columns: string[]
  /** JSON text of one object. */
  row: string
  where: WhereParts
  representation: boolean
}

export function updateSql(spec: UpdateSpec, params: SqlParams): string {
  const target = qualified(spec.schema, spec.table.name)
  if (spec.columns.length === 0) {
    // Nothing to set: an empty result of the table's shape, as PostgREST answers `{}`.
    return `SELECT ${spec.representation ? `${ident(spec.table.name)}.*` : '1'} FROM ${target} WHERE false`
  }
  const assignments = spec.columns.map(ident).map(column => `${column} = pgrst_body.${column}`)
  return `UPDATE ${target} SET ${assignments.join(', ')} FROM json_populate_record(NULL::${target}, ${params.add(spec.row)}::json) AS pgrst_body`
    + `${whereSql(spec.table, spec.where, params)}${returningSql(spec.table, spec.representation)}`
}

export interface DeleteSpec {
  schema: string
  table: Table
  where: WhereParts
  representation: boolean
}

export function deleteSql(spec: DeleteSpec, params: SqlParams): string {
  return `DELETE FROM ${qualified(spec.schema, spec.table.name)}${whereSql(spec.table, spec.where, params)}${returningSql(spec.table, spec.representation)}`
}
