/** The request grammar of PostgREST's query string, parsed (no SQL here). */

/** One `->key` / `->>0` step of a JSON path after a column name. */
export interface JsonStep {
  arrow: '->' | '->>'
  key: string
  /** `->0`: an array index rather than an object key. */
  index: boolean
}

/** A column, optionally followed by a JSON path: `data->a->>b`. */
export interface Field {
  name: string
  jsonPath: JsonStep[]
}

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'column', field: Field, alias?: string, cast?: string }
  | EmbedItem

/** `alias:relation!hint!inner(children)` or `...relation(children)`. */
export interface EmbedItem {
  kind: 'embed'
  relation: string
  alias?: string
  hint?: string
  joinType?: 'inner' | 'left'
  spread: boolean
  children: SelectItem[]
}

export type CompareOperator =
  | 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'match' | 'imatch' | 'isdistinct'
  | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj'

export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts'

export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown'

export type Operation =
  | { kind: 'compare', operator: CompareOperator, quantifier?: 'any' | 'all', value: string }
  | { kind: 'in', values: string[] }
  | { kind: 'is', value: IsValue }
  | { kind: 'fts', operator: FtsOperator, language?: string, value: string }

export interface Filter {
  field: Field
  negate: boolean
  operation: Operation
}

export type LogicTree =
  | { kind: 'filter', filter: Filter }
  | { kind: 'group', negate: boolean, operator: 'and' | 'or', children: LogicTree[] }

export interface OrderTerm {
  /** `rel(col)`: order by a column of a to-one embedded resource. */
  relation?: string
  field: Field
  direction?: 'asc' | 'desc'
  nulls?: 'first' | 'last'
}

/** Offset and optional limit of one level (root or an embedded resource). */
export interface Range {
  offset: number
  limit?: number
}

/** Something addressed to an embedding level: `[]` is the root, `['author']` the `author` embed. */
export interface AtPath<T> {
  path: string[]
  value: T
}

export interface QueryParams {
  select: SelectItem[]
  filters: Array<AtPath<Filter>>
  logic: Array<AtPath<LogicTree>>
  order: Array<AtPath<OrderTerm[]>>
  /** Keyed by the embedding path joined with '.', '' for the root. */
  ranges: Map<string, Range>
  columns?: string[]
  onConflict?: string[]
  /** GET/HEAD on /rpc: parameters without an operator are the function's arguments. */
  rpcArgs: Map<string, string>
}
