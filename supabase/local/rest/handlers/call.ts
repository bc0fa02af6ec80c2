import { singularityError } from '../errors.ts'
import { parseQueryParams } from '../parser/query-params.ts'
import { buildReadPlan } from '../plan/read-plan.ts'
import { resolveRoutine } from '../plan/routine.ts'
import { rootRange } from '../request.ts'
import { jsonType, objectType, rangeNotSatisfiable, readRangeStatus, totalOf, withGucOverrides } from '../response.ts'
import type { RestResponse } from '../response.ts'
import type { Routine } from '../schema/introspect.ts'
import { callSql } from '../sql/call.ts'
import type { CallArguments } from '../sql/call.ts'
import { SqlParams } from '../sql/params.ts'
import { callStatement } from '../sql/statements.ts'
import type { BodyShape } from '../sql/statements.ts'
import { preferenceApplied } from './context.ts'
import type { HandlerContext } from './context.ts'

/** A scalar function gives a bare JSON value, a composite one an object, `setof` an array. */
function shapeOf(routine: Routine, single: boolean, head: boolean): BodyShape {
  const { kind, set } = routine.returns
  if (head || kind === 'void')
    return 'none'
  if (kind === 'scalar')
    return set && !single ? 'scalar-array' : 'scalar'
  return set && !single ? 'array' : 'object'
}

/** GET/HEAD/POST /rpc/<fn>. */
export async function handleCall(ctx: HandlerContext): Promise<RestResponse> {
  const isRead = ctx.method === 'GET' || ctx.method === 'HEAD'
  const params = parseQueryParams(ctx.search, isRead)
  let args: CallArguments
  let names: string[]
  if (isRead) {
    args = { kind: 'text', values: params.rpcArgs }
    names = [...params.rpcArgs.keys()]
  }
  else {
    const body = await ctx.body('{}')
    args = { kind: 'json', body: body.text }
    names = body.value !== null && typeof body.value === 'object' && !Array.isArray(body.value) ? Object.keys(body.value) : []
  }
  const call = resolveRoutine(ctx.snapshot.routines.get(ctx.name) ?? [], ctx.snapshot.schema, ctx.name, names, !isRead)
  const { routine } = call
  const table = routine.returns.table === undefined ? undefined : ctx.snapshot.tables.get(routine.returns.table)
  const node = buildReadPlan(ctx.snapshot, { name: routine.name, table }, params, { rootFilters: true })
  node.range = rootRange(params, ctx.method, ctx.req.headers.range)
  const sqlParams = new SqlParams()
  const shape = shapeOf(routine, ctx.output.single, ctx.method === 'HEAD')
  const text = callStatement(callSql(ctx.snapshot.schema, call, args, sqlParams), node, ctx.snapshot.schema, sqlParams,
    { shape, stripNulls: ctx.output.stripNulls }, ctx.prefer.count !== undefined, !routine.returns.set)
  const single = ctx.output.single && routine.returns.kind !== 'void'
  const result = await ctx.run({ text, values: sqlParams.values }, {
    readOnly: isRead,
    // A POST may have written: a `.single()` that does not get one row rolls it back.
    check: isRead || !single ? undefined : row => Number(row.page_total) !== 1 ? singularityError(Number(row.page_total)) : undefined,
  })
  const pageTotal = Number(result.page_total)
  if (single && pageTotal !== 1)
    throw singularityError(pageTotal)
  const offset = node.range?.offset ?? 0
  const total = totalOf(result)
  const { status, contentRange } = readRangeStatus(offset, pageTotal, total)
  if (status === 416)
    throw rangeNotSatisfiable(offset, total ?? 0)
  if (routine.returns.kind === 'void')
    return withGucOverrides({ status: 204, headers: { 'content-range': contentRange } }, result)
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
