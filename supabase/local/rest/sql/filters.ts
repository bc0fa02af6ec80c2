import type { CompareOperator, Field, Filter, FtsOperator, IsValue, LogicTree } from '../parser/types.ts'
import { arrayLiteral, ident } from './params.ts'
import type { SqlParams } from './params.ts'

const compareSql: Record<CompareOperator, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'LIKE',
  ilike: 'ILIKE',
  match: '~',
  imatch: '~*',
  isdistinct: 'IS DISTINCT FROM',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
}

const isSql: Record<IsValue, string> = {
  null: 'NULL',
  not_null: 'NOT NULL',
  true: 'TRUE',
  false: 'FALSE',
  unknown: 'UNKNOWN',
}

const ftsSql: Record<FtsOperator, string> = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
}

/** `"alias"."col"->$1->>$2`: JSON keys are parameters too. */
export function fieldSql(alias: string, field: Field, params: SqlParams): string {
  let sql = `${ident(alias)}.${ident(field.name)}`
  for (const step of field.jsonPath)
    sql += `${step.arrow}${params.add(step.key)}${step.index ? '::int' : ''}`
  return sql
}

/**
 * Renders a filter; `embedCondition` claims filters that test an embedded resource for
 * null (`rel=is.null`, `rel=not.is.null`) rather than a column.
 */
export type EmbedCondition = (filter: Filter) => string | undefined

export function filterSql(alias: string, filter: Filter, params: SqlParams, embedCondition: EmbedCondition): string {
  const claimed = embedCondition(filter)
  if (claimed !== undefined)
    return claimed
  const column = fieldSql(alias, filter.field, params)
  const operation = filter.operation
  let sql: string
  switch (operation.kind) {
    case 'is':
      sql = `${column} IS ${isSql[operation.value]}`
      break
    case 'in':
      // `= ANY` rather than IN: an empty list is valid and the statement shape stays the same.
      sql = operation.values.length === 1 && operation.values[0] === ''
        ? `${column} = ANY('{}')`
        : `${column} = ANY(${params.add(arrayLiteral(operation.values))})`
      break
    case 'fts': {
      const language = operation.language === undefined ? '' : `${params.add(operation.language)}, `
      sql = `${column} @@ ${ftsSql[operation.operator]}(${language}${params.add(operation.value)})`
      break
    }
    case 'compare': {
      const pattern = operation.operator === 'like' || operation.operator === 'ilike'
      const value = params.add(pattern ? operation.value.replaceAll('*', '%') : operation.value)
      const quantified = operation.quantifier ? `${operation.quantifier.toUpperCase()}(${value})` : value
      sql = `${column} ${compareSql[operation.operator]} ${quantified}`
      break
    }
  }
  return filter.negate ? `NOT (${sql})` : sql
}

export function logicSql(alias: string, tree: LogicTree, params: SqlParams, embedCondition: EmbedCondition): string {
  if (tree.kind === 'filter')
    return filterSql(alias, tree.filter, params, embedCondition)
  const joined = tree.children.map(child => logicSql(alias, child, params, embedCondition)).join(` ${tree.operator.toUpperCase()} `)
  return `${tree.negate ? 'NOT ' : ''}(${joined})`
}

/** If a filter is `rel=is.null` / `rel=not.is.null` on one of `embeds`, the embed and whether it asks for "is null". */
export function nullEmbedTest<T extends { outputName: string }>(filter: Filter, embeds: T[]): { embed: T, isNull: boolean } | undefined {
  if (filter.field.jsonPath.length > 0 || filter.operation.kind !== 'is' || filter.operation.value !== 'null')
    return undefined
  const embed = embeds.find(candidate => candidate.outputName === filter.field.name)
  return embed && { embed, isNull: !filter.negate }
}
