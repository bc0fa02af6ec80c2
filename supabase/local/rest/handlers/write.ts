import { columnNotFound, invalidBody, RestError, singularityError } from '../errors.ts'
import { parseQueryParams } from '../parser/query-params.ts'
import type { QueryParams } from '../parser/types.ts'
import { buildReadPlan } from '../plan/read-plan.ts'
import type { JsonBody } from '../request.ts'
import { contentRange, jsonType, objectType, withGucOverrides } from '../response.ts'
import type { RestResponse } from '../response.ts'
import type { Table } from '../schema/introspect.ts'
import { deleteSql, insertSql, updateSql } from '../sql/mutate.ts'
import type { WhereParts } from '../sql/mutate.ts'
import { SqlParams } from '../sql/params.ts'
import { mutationStatement } from '../sql/statements.ts'
import type { StatementResult } from '../sql/statements.ts'
import { preferenceApplied, tableOf } from './context.ts'
import type { HandlerContext } from './context.ts'

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/**
 * The columns a payload writes and its rows as a JSON array: `?columns=` when given, else the
 * keys of the object (or of every object of an array, which must all have the same keys).
 */
function payloadColumns(body: JsonBody, params: QueryParams, table: Table): { columns: string[], rows: string } {
  const value = body.value
  const rows = Array.isArray(value) ? body.text : isObject(value) ? `[${body.text}]` : '[]'
  let columns: string[]
  if (params.columns) {
    columns = params.columns
  }
  else if (isObject(value)) {
    columns = Object.keys(value)
  }
  else if (Array.isArray(value) && value.length > 0) {
    const first = value[0]
    const keys = isObject(first) ? Object.keys(first).sort().join('\0') : undefined
    if (keys === undefined || !value.every(row => isObject(row) && Object.keys(row).sort().join('\0') === keys))
      throw invalidBody('All object keys must match')
    columns = Object.keys(first as object)
  }
  else {
    columns = []
  }
  for (const column of columns) {
    if (!table.columns.has(column))
      throw columnNotFound(table.name, column)
  }
  return { columns, rows }
}

function rootWhere(params: QueryParams): WhereParts {
  return {
    filters: params.filters.filter(item => item.path.length === 0).map(item => item.value),
    logic: params.logic.filter(item => item.path.length === 0).map(item => item.value),
  }
}

/** Supabase runs its API with pg-safeupdate: UPDATE and DELETE need a filter. */
function requireWhere(where: WhereParts, verb: 'UPDATE' | 'DELETE'): void {
  if (where.filters.length === 0 && where.logic.length === 0)
    throw new RestError(400, '21000', `${verb} requires a WHERE clause`)
}

interface Mutation {
  table: Table
  params: QueryParams
  /** Builds the INSERT/UPDATE/DELETE; `representation` asks for RETURNING the rows. */
  sql: (sqlParams: SqlParams, representation: boolean) => string
  countsInserted: boolean
}

/** Runs a mutation, rolling back when `.single()` or `max-affected` is not satisfied. */
async function runMutation(ctx: HandlerContext, mutation: Mutation): Promise<{ result: StatementResult, affected: number, representation: boolean }> {
  const representation = ctx.prefer.return === 'representation'
  const node = representation
    ? buildReadPlan(ctx.snapshot, { name: mutation.table.name, table: mutation.table }, mutation.params, { rootFilters: false })
    : undefined
  const sqlParams = new SqlParams()
  const text = mutationStatement(mutation.sql(sqlParams, representation), node, ctx.snapshot.schema, sqlParams,
    { shape: ctx.output.single ? 'object' : 'array', stripNulls: ctx.output.stripNulls }, mutation.countsInserted)
  const maxAffected = ctx.prefer.handling === 'strict' ? ctx.prefer.maxAffected : undefined
  // Without a condition on the outcome, COMMIT goes out with the statement (one round trip).
  const mustCheck = ctx.output.single || maxAffected !== undefined
  const result = await ctx.run({ text, values: sqlParams.values }, {
    readOnly: false,
    check: mustCheck
      ? (row) => {
          const affected = Number(row.page_total)
          if (ctx.output.single && affected !== 1)
            return singularityError(affected)
          if (maxAffected !== undefined && affected > maxAffected)
            return new RestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${affected} rows`)
          return undefined
        }
      : undefined,
  })
  return { result, affected: Number(result.page_total), representation }
}

function withRepresentation(ctx: HandlerContext, status: number, headers: Record<string, string>, result: StatementResult, representation: boolean): RestResponse {
  const response: RestResponse = representation
    ? { status, headers: { ...headers, 'content-type': ctx.output.single ? objectType : jsonType }, body: result.body ?? undefined }
    : { status, headers }
  return withGucOverrides(response, result)
}

/** POST: insert, or upsert under `Prefer: resolution=…`. */
export async function handleInsert(ctx: HandlerContext): Promise<RestResponse> {
  const params = parseQueryParams(ctx.search, false)
  const table = tableOf(ctx.snapshot, ctx.name)
  const { columns, rows } = payloadColumns(await ctx.body(), params, table)
  const resolution = ctx.prefer.resolution
  const onConflict = resolution ? { columns: params.onConflict ?? table.primaryKey, resolution } : undefined
  const merge = resolution === 'merge-duplicates'
  const { result, affected, representation } = await runMutation(ctx, {
    table,
    params,
    countsInserted: merge,
    sql: (sqlParams, representation) => insertSql({
      schema: ctx.snapshot.schema,
      table,
      columns,
      rows,
      onConflict,
      missingDefault: ctx.prefer.missing === 'default',
      representation,
    }, sqlParams),
  })
  // An upsert that only updated answers 200, as PostgREST does.
  const status = merge && result.response_inserted !== null && result.response_inserted <= 0 ? 200 : 201
  const headers = {
    'content-range': contentRange(1, 0, ctx.prefer.count ? affected : undefined),
    ...preferenceApplied(ctx.prefer, ['return', 'count', 'missing', ...(onConflict?.columns.length ? ['resolution'] : [])]),
  }
  return withRepresentation(ctx, status, headers, result, representation)
}

/** PATCH: update the rows the filters select. */
export async function handleUpdate(ctx: HandlerContext): Promise<RestResponse> {
  const params = parseQueryParams(ctx.search, false)
  const table = tableOf(ctx.snapshot, ctx.name)
  const body = await ctx.body()
  const columns = params.columns ?? (isObject(body.value) ? Object.keys(body.value) : [])
  for (const column of columns) {
    if (!table.columns.has(column))
      throw columnNotFound(table.name, column)
  }
  const where = rootWhere(params)
  requireWhere(where, 'UPDATE')
  const { result, affected, representation } = await runMutation(ctx, {
    table,
    params,
    countsInserted: false,
    sql: (sqlParams, representation) => updateSql({ schema: ctx.snapshot.schema, table, columns, row: body.text, where, representation }, sqlParams),
  })
  const headers = {
    'content-range': contentRange(0, affected - 1, ctx.prefer.count ? affected : undefined),
    ...preferenceApplied(ctx.prefer, ['return', 'count', 'handling', 'max-affected']),
  }
  return withRepresentation(ctx, representation ? 200 : 204, headers, result, representation)
}

/** DELETE the rows the filters select. */
export async function handleDelete(ctx: HandlerContext): Promise<RestResponse> {
  const params = parseQueryParams(ctx.search, false)
  const table = tableOf(ctx.snapshot, ctx.name)
  const where = rootWhere(params)
  requireWhere(where, 'DELETE')
  const { result, affected, representation } = await runMutation(ctx, {
    table,
    params,
    countsInserted: false,
    sql: (sqlParams, representation) => deleteSql({ schema: ctx.snapshot.schema, table, where, representation }, sqlParams),
  })
  const headers = {
    'content-range': contentRange(1, 0, ctx.prefer.count ? affected : undefined),
    ...preferenceApplied(ctx.prefer, ['return', 'count', 'handling', 'max-affected']),
  }
  return withRepresentation(ctx, representation ? 200 : 204, headers, result, representation)
}
