import { queryParamError } from '../errors.ts'
import type { Filter, OrderTerm } from '../parser/types.ts'
import type { Embed, ReadNode } from '../plan/read-plan.ts'
import { fieldSql, filterSql, logicSql, nullEmbedTest } from './filters.ts'
import type { EmbedCondition } from './filters.ts'
import { ident, isSafeCast, qualified } from './params.ts'
import type { SqlParams } from './params.ts'

/** Where the root level reads from: a table, or the `pgrst_source` CTE of a mutation or function call. */
export type RootSource = { table: string, schema: string } | { cte: string }

function sourceSql(source: RootSource): string {
  return 'cte' in source ? source.cte : qualified(source.schema, source.table)
}

function columnsSql(node: ReadNode, params: SqlParams): string[] {
  return node.columns.map((item) => {
    if (item.kind === 'star')
      return `${ident(node.alias)}.*`
    let sql = fieldSql(node.alias, item.field, params)
    if (item.cast !== undefined) {
      if (!isSafeCast(item.cast))
        throw queryParamError('select parameter', item.cast, 1, `unexpected cast "${item.cast}" expecting a type name`)
      sql = `CAST(${sql} AS ${item.cast})`
    }
    // A JSON path is named after its last key, as PostgREST names it.
    const name = item.alias ?? item.field.jsonPath.at(-1)?.key
    return name === undefined ? sql : `${sql} AS ${ident(name)}`
  })
}

function embedSelectSql(embed: Embed): string[] {
  const lateral = ident(embed.lateralAlias)
  if (embed.hidden)
    return []
  if (embed.spread)
    return [`${lateral}.*`]
  // Embedded values are jsonb, as PostgREST makes them (so their keys come out in jsonb order).
  return embed.toMany
    ? [`COALESCE(${lateral}.${lateral}, '[]') AS ${ident(embed.outputName)}`]
    : [`row_to_json(${lateral}.*)::jsonb AS ${ident(embed.outputName)}`]
}

function embedJoinSql(embed: Embed, params: SqlParams, schema: string): string {
  const lateral = ident(embed.lateralAlias)
  const join = embed.inner ? 'INNER JOIN LATERAL' : 'LEFT JOIN LATERAL'
  const child = nodeSql(embed.node, { schema, table: embed.node.name }, params, schema)
  if (!embed.toMany)
    return `${join} (${child}) AS ${lateral} ON TRUE`
  const aggregate = `SELECT json_agg(${lateral})::jsonb AS ${lateral} FROM (${child}) AS ${lateral}`
  return `${join} (${aggregate}) AS ${lateral} ON ${embed.inner ? `${lateral}.${lateral} IS NOT NULL` : 'TRUE'}`
}

function joinConditions(node: ReadNode): string[] {
  if (!node.join)
    return []
  const { parentAlias, pairs } = node.join
  return pairs.map(([own, parent]) => `${ident(node.alias)}.${ident(own)} = ${ident(parentAlias)}.${ident(parent)}`)
}

function whereSql(node: ReadNode, params: SqlParams, embedCondition: EmbedCondition, extra: string[]): string {
  const conditions = [
    ...node.filters.map(filter => filterSql(node.alias, filter, params, embedCondition)),
    ...node.logic.map(tree => logicSql(node.alias, tree, params, embedCondition)),
    ...joinConditions(node),
    ...extra,
  ]
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''
}

function orderTermSql(node: ReadNode, term: OrderTerm, params: SqlParams): string {
  const alias = term.relation === undefined
    ? node.alias
    : node.embeds.find(embed => embed.outputName === term.relation)!.lateralAlias
  const direction = term.direction ? ` ${term.direction.toUpperCase()}` : ''
  const nulls = term.nulls ? ` NULLS ${term.nulls.toUpperCase()}` : ''
  return `${fieldSql(alias, term.field, params)}${direction}${nulls}`
}

function rangeSql(node: ReadNode, params: SqlParams): string {
  const range = node.range
  if (!range)
    return ''
  const limit = range.limit === undefined ? '' : ` LIMIT ${params.add(range.limit)}`
  const offset = range.offset > 0 ? ` OFFSET ${params.add(range.offset)}` : ''
  return `${limit}${offset}`
}

/** In the main query an embed is null when its LATERAL row (or, to-many, its aggregate) is. */
function lateralNullCondition(node: ReadNode): EmbedCondition {
  return (filter: Filter) => {
    const test = nullEmbedTest(filter, node.embeds)
    if (!test)
      return undefined
    const lateral = ident(test.embed.lateralAlias)
    const value = test.embed.toMany ? `${lateral}.${lateral}` : lateral
    return `${value} IS ${test.isNull ? 'NOT ' : ''}DISTINCT FROM NULL`
  }
}

/** `SELECT … FROM … LEFT JOIN LATERAL (…) … WHERE … ORDER BY … LIMIT … OFFSET …` for one level and, recursively, its embeds. */
export function nodeSql(node: ReadNode, source: RootSource, params: SqlParams, schema: string): string {
  const selects = [...columnsSql(node, params), ...node.embeds.flatMap(embedSelectSql)]
  const joins = node.embeds.map(embed => ` ${embedJoinSql(embed, params, schema)}`).join('')
  const where = whereSql(node, params, lateralNullCondition(node), [])
  const order = node.order.length ? ` ORDER BY ${node.order.map(term => orderTermSql(node, term, params)).join(', ')}` : ''
  return `SELECT ${selects.join(', ')} FROM ${sourceSql(source)} AS ${ident(node.alias)}${joins}${where}${order}${rangeSql(node, params)}`
}

/**
 * The rows a count must see: the level's own filters and, for `!inner` embeds and null tests
 * on embeds, EXISTS over the embedded level instead of a join (no LIMIT, no JSON).
 */
export function countSql(node: ReadNode, source: RootSource, params: SqlParams, schema: string): string {
  const existsFor = (embed: Embed) => `EXISTS (${countSql(embed.node, { schema, table: embed.node.name }, params, schema)})`
  const embedCondition: EmbedCondition = (filter) => {
    const test = nullEmbedTest(filter, node.embeds)
    return test && `${test.isNull ? 'NOT ' : ''}${existsFor(test.embed)}`
  }
  const inner = node.embeds.filter(embed => embed.inner).map(existsFor)
  return `SELECT 1 FROM ${sourceSql(source)} AS ${ident(node.alias)}${whereSql(node, params, embedCondition, inner)}`
}
