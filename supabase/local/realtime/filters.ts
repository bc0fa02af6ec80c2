import pg from 'pg'

/**
 * The `filter` of a postgres_changes subscription, e.g. `room_id=eq.5` or
 * `status=not.in.(draft,"a,b")`: comma-separated conditions, ANDed, in the grammar
 * realtime-js's filter builder writes and Supabase Realtime reads.
 */
export type FilterOperator = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'like' | 'ilike' | 'match' | 'imatch' | 'is' | 'isdistinct'

export interface FilterCondition {
  column: string
  operator: FilterOperator
  negate: boolean
  /** A list for `in`, a single text value for every other operator. */
  value: string | string[]
}

export class FilterSyntaxError extends Error {}

const comparisons: Record<string, string> = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=', isdistinct: 'is distinct from' }
const textMatches: Record<string, string> = { like: 'like', ilike: 'ilike', match: '~', imatch: '~*' }
const isValues: Record<string, string> = { null: 'null', true: 'true', false: 'false', unknown: 'unknown' }

/** Splits on `separator` outside double quotes and parentheses. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[++i]
      continue
    }
    if (char === '"')
      quoted = !quoted
    else if (!quoted && char === '(')
      depth++
    else if (!quoted && char === ')')
      depth--
    if (char === separator && !quoted && depth === 0) {
      parts.push(current)
      current = ''
    }
    else {
      current += char
    }
  }
  if (quoted || depth !== 0)
    throw new FilterSyntaxError(`unbalanced quotes or parentheses in "${text}"`)
  parts.push(current)
  return parts
}

/** `"a \"b\""` -> `a "b"`; unquoted values are taken as they are. */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
    return value.slice(1, -1).replace(/\\(.)/g, '$1')
  return value
}

function parseCondition(text: string): FilterCondition {
  const equals = text.indexOf('=')
  if (equals <= 0)
    throw new FilterSyntaxError(`expected column=operator.value, got "${text}"`)
  const column = text.slice(0, equals).trim()
  let rest = text.slice(equals + 1)
  const negate = rest.startsWith('not.')
  if (negate)
    rest = rest.slice(4)
  const dot = rest.indexOf('.')
  if (dot <= 0)
    throw new FilterSyntaxError(`expected operator.value after "${column}="`)
  const operator = rest.slice(0, dot) as FilterOperator
  const raw = rest.slice(dot + 1)
  if (operator === 'in') {
    if (!raw.startsWith('(') || !raw.endsWith(')'))
      throw new FilterSyntaxError(`"in" needs a list in parentheses, got "${raw}"`)
    const values = splitOutside(raw.slice(1, -1), ',').map(item => unquote(item.trim()))
    if (values.length === 0 || (values.length === 1 && values[0] === ''))
      throw new FilterSyntaxError('"in" needs at least one value')
    return { column, operator, negate, value: values }
  }
  if (operator === 'is') {
    if (!(raw in isValues))
      throw new FilterSyntaxError(`"is" takes null, true, false or unknown, got "${raw}"`)
    return { column, operator, negate, value: raw }
  }
  if (!(operator in comparisons) && !(operator in textMatches))
    throw new FilterSyntaxError(`unknown operator "${operator}"`)
  return { column, operator, negate, value: unquote(raw) }
}

/** Parses a subscription filter; an empty or missing filter means no conditions. */
export function parseFilter(filter: string | undefined | null): FilterCondition[] {
  if (filter == null || filter === '')
    return []
  if (filter === 'undefined')
    throw new FilterSyntaxError('filter is the string "undefined"')
  return splitOutside(filter, ',').map(part => parseCondition(part))
}

/**
 * SQL for one set of conditions against row alias `row`. Values go into `params` (typed by
 * PostgreSQL from the column they are compared with), never into the SQL text.
 */
export function filterSql(conditions: FilterCondition[], row: string, params: unknown[]): string {
  if (conditions.length === 0)
    return 'true'
  const parts = conditions.map((condition) => {
    const column = `${row}.${pg.escapeIdentifier(condition.column)}`
    const param = () => {
      params.push(condition.value)
      return `$${params.length}`
    }
    let sql: string
    if (condition.operator === 'in')
      sql = `${column} = any(${param()})`
    else if (condition.operator === 'is')
      sql = `${column} is ${isValues[condition.value as string]}`
    else if (condition.operator in textMatches)
      sql = `${column}::text ${textMatches[condition.operator]} ${param()}`
    else
      sql = `${column} ${comparisons[condition.operator]} ${param()}`
    return condition.negate ? `not (${sql})` : `(${sql})`
  })
  return `coalesce(${parts.join(' and ')}, false)`
}
