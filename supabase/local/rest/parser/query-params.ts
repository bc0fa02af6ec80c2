import { RestError } from '../errors.ts'
import { parseFilterValue, parseLogicTree } from './filter.ts'
import { parseOrder } from './order.ts'
import { Reader } from './reader.ts'
import { parseSelect } from './select.ts'
import type { Field, QueryParams, Range } from './types.ts'

const embeddableReserved = new Set(['order', 'limit', 'offset', 'and', 'or'])
const reserved = new Set(['select', 'columns', 'on_conflict'])

function dottedNames(reader: Reader): string[] {
  const names = [reader.fieldName()]
  while (reader.eat('.'))
    names.push(reader.fieldName())
  return names
}

/** `a.b` → `['a','b']`: the embedding level that `a.b.order` or `a.b.limit` addresses. */
function embedPath(target: string): string[] {
  if (target === '')
    return []
  const reader = new Reader(target, 'tree path')
  const names = dottedNames(reader)
  reader.end()
  return names
}

/** `a.b.c->>d` → path `['a','b']`, field `c->>d`. */
function treePath(key: string): { path: string[], field: Field } {
  const reader = new Reader(key, 'tree path')
  const names = dottedNames(reader)
  const jsonPath = reader.jsonPath()
  reader.end()
  return { path: names.slice(0, -1), field: { name: names.at(-1)!, jsonPath } }
}

/** `a.b.or` / `a.not.and` → path `['a','b']` and operator `or` / `not.and`. */
function logicPath(key: string): { path: string[], operator: string } {
  const reader = new Reader(key, 'logic path')
  const names = dottedNames(reader)
  reader.end()
  const operator = names.at(-1)!
  const negated = names.slice(0, -1).includes('not')
  return { path: names.slice(0, -1).filter(name => name !== 'not'), operator: negated ? `not.${operator}` : operator }
}

function columnList(input: string, what: string): string[] {
  const reader = new Reader(input, what)
  const names = [reader.fieldName()]
  while (reader.eat(','))
    names.push(reader.fieldName())
  reader.end()
  return names
}

/** Non-negative integers only; anything else is ignored as PostgREST ignores it. */
function integer(value: string): number | undefined {
  return /^-?\d+$/.test(value.trim()) ? Number(value) : undefined
}

function filterValueOrArgument(value: string): ReturnType<typeof parseFilterValue> | undefined {
  try {
    return parseFilterValue(value)
  }
  catch {
    return undefined
  }
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1)
}

function withoutLastSegment(key: string): string {
  const dot = key.lastIndexOf('.')
  return dot < 0 ? '' : key.slice(0, dot)
}

/**
 * Splits a query string into PostgREST's parts: select, filters, and/or trees, order and
 * ranges (each addressed to an embedding level), columns, on_conflict and, for RPC reads,
 * the function's arguments.
 */
export function parseQueryParams(search: URLSearchParams, isRpcRead: boolean): QueryParams {
  const params: QueryParams = {
    select: [{ kind: 'star' }],
    filters: [],
    logic: [],
    order: [],
    ranges: new Map(),
    rpcArgs: new Map(),
  }
  const limits = new Map<string, number>()
  const offsets = new Map<string, number>()
  for (const [key, value] of search) {
    if (key === 'select') {
      params.select = parseSelect(value)
      continue
    }
    if (key === 'columns') {
      params.columns = columnList(value, 'columns parameter')
      continue
    }
    if (key === 'on_conflict') {
      params.onConflict = columnList(value, 'on_conflict parameter')
      continue
    }
    const last = lastSegment(key)
    if (embeddableReserved.has(last) && !reserved.has(key)) {
      const target = embedPath(withoutLastSegment(key))
      if (last === 'and' || last === 'or') {
        const { path, operator } = logicPath(key)
        params.logic.push({ path, value: parseLogicTree(operator, value) })
      }
      else if (last === 'order') {
        params.order.push({ path: target, value: parseOrder(value) })
      }
      else {
        const number = integer(value)
        if (number !== undefined)
          (last === 'limit' ? limits : offsets).set(target.join('.'), number)
      }
      continue
    }
    const { path, field } = treePath(key)
    // On RPC reads a parameter without an operator is an argument of the function.
    const expression = isRpcRead && path.length === 0 && field.jsonPath.length === 0
      ? filterValueOrArgument(value)
      : parseFilterValue(value)
    if (expression)
      params.filters.push({ path, value: { field, ...expression } })
    else
      params.rpcArgs.set(field.name, value)
  }
  for (const key of new Set([...limits.keys(), ...offsets.keys()])) {
    const limit = limits.get(key)
    if (limit !== undefined && limit < 0)
      throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', 'Limit should be greater than or equal to zero.')
    const range: Range = { offset: Math.max(0, offsets.get(key) ?? 0), limit }
    params.ranges.set(key, range)
  }
  return params
}
