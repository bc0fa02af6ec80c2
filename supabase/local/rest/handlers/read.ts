import { singularityError } from '../errors.ts'
import { parseQueryParams } from '../parser/query-params.ts'
import { buildReadPlan } from '../plan/read-plan.ts'
import { rootRange } from '../request.ts'
import { jsonType, objectType, rangeNotSatisfiable, readRangeStatus, totalOf, withGucOverrides } from '../response.ts'
import type { RestResponse } from '../response.ts'
import { SqlParams } from '../sql/params.ts'
import { readStatement } from '../sql/statements.ts'
import { preferenceApplied, tableOf } from './context.ts'
import type { HandlerContext } from './context.ts'

/** GET/HEAD on a table or view. */
export async function handleRead(ctx: HandlerContext): Promise<RestResponse> {
  const params = parseQueryParams(ctx.search, false)
  const table = tableOf(ctx.snapshot, ctx.name)
  const node = buildReadPlan(ctx.snapshot, { name: table.name, table }, params, { rootFilters: true })
  node.range = rootRange(params, ctx.method, ctx.req.headers.range)
  const head = ctx.method === 'HEAD'
  const sqlParams = new SqlParams()
  const shape = head ? 'none' : ctx.output.single ? 'object' : 'array'
  const text = readStatement(node, table.name, ctx.snapshot.schema, sqlParams, { shape, stripNulls: ctx.output.stripNulls }, ctx.prefer.count !== undefined)
  const result = await ctx.run({ text, values: sqlParams.values }, { readOnly: true })
  const pageTotal = Number(result.page_total)
  if (ctx.output.single && pageTotal !== 1)
    throw singularityError(pageTotal)
  const offset = node.range?.offset ?? 0
  const total = totalOf(result)
  const { status, contentRange } = readRangeStatus(offset, pageTotal, total)
  if (status === 416)
    throw rangeNotSatisfiable(offset, total ?? 0)
  return withGucOverrides({
    status,
    headers: {
      'content-type': ctx.output.single ? objectType : jsonType,
      'content-range': contentRange,
      ...preferenceApplied(ctx.prefer, ['count']),
    },
    body: result.body ?? undefined,
  }, result)
}
