import { notEmbedded, RestError } from '../errors.ts'
import type { AtPath, EmbedItem, Filter, LogicTree, OrderTerm, QueryParams, Range, SelectItem } from '../parser/types.ts'
import type { SchemaSnapshot, Table } from '../schema/introspect.ts'
import { findRelationship } from '../schema/relationships.ts'

export type ColumnItem = Exclude<SelectItem, EmbedItem>

/** One level of a read: a table (or a function's or mutation's rows) and what to take from it. */
export interface ReadNode {
  /** The table or function name, for messages and relationship lookups. */
  name: string
  /** Its table, when known (a function returning a table's row type has one too); embedding needs it. */
  table?: Table
  /** The name the level is known by in SQL: unique across the statement, so nested levels never shadow. */
  alias: string
  columns: ColumnItem[]
  embeds: Embed[]
  filters: Filter[]
  logic: LogicTree[]
  order: OrderTerm[]
  range?: Range
  /** For an embedded level: `[own column, parent column]` pairs joining it to its parent's alias. */
  join?: { parentAlias: string, pairs: Array<[string, string]> }
}

export interface Embed {
  node: ReadNode
  /** The key it gets in the parent's JSON (`alias:` if given, else the relation as written). */
  outputName: string
  /** SQL alias of the LATERAL subquery that produces it. */
  lateralAlias: string
  toMany: boolean
  inner: boolean
  /** `...rel(cols)`: its columns become the parent's. */
  spread: boolean
  /** `rel!inner()`: joined for filtering only, absent from the output. */
  hidden: boolean
}

export interface ReadRoot {
  name: string
  table?: Table
}

class AliasAllocator {
  private readonly used = new Set<string>()
  private lateralCount = 0

  take(name: string): string {
    let alias = name
    for (let n = 1; this.used.has(alias); n++)
      alias = `${name}_${n}`
    this.used.add(alias)
    return alias
  }

  lateral(): string {
    return `pgrst_embed_${++this.lateralCount}`
  }
}

function buildNode(snapshot: SchemaSnapshot, root: ReadRoot, items: SelectItem[], aliases: AliasAllocator, alias: string): ReadNode {
  const node: ReadNode = { name: root.name, table: root.table, alias, columns: [], embeds: [], filters: [], logic: [], order: [] }
  for (const item of items) {
    if (item.kind !== 'embed') {
      node.columns.push(item)
      continue
    }
    const relationship = findRelationship(snapshot.relationships.get(root.table?.name ?? '') ?? [], snapshot.schema, root.name, item.relation, item.hint)
    const childTable = snapshot.tables.get(relationship.foreignTable)!
    const toMany = relationship.cardinality === 'one-to-many'
    if (item.spread && toMany)
      throw new RestError(400, 'PGRST127', 'Feature not implemented', `Spreading the to-many relationship '${item.relation}' is not supported by the local stack`)
    const child = buildNode(snapshot, { name: childTable.name, table: childTable }, item.children, aliases, aliases.take(childTable.name))
    child.join = { parentAlias: alias, pairs: relationship.columns.map(([own, other]) => [other, own]) }
    node.embeds.push({
      node: child,
      outputName: item.alias ?? item.relation,
      lateralAlias: aliases.lateral(),
      toMany,
      inner: item.joinType === 'inner',
      spread: item.spread,
      hidden: item.children.length === 0,
    })
  }
  return node
}

/** The level a dotted path (`['author', 'books']`) addresses, or PGRST108. */
function nodeAt(root: ReadNode, path: string[]): ReadNode {
  let node = root
  for (const name of path) {
    const embed = node.embeds.find(candidate => candidate.outputName === name)
    if (!embed)
      throw notEmbedded(name)
    node = embed.node
  }
  return node
}

function distribute<T>(root: ReadNode, items: Array<AtPath<T>>, add: (node: ReadNode, value: T) => void): void {
  for (const { path, value } of items)
    add(nodeAt(root, path), value)
}

function checkRelatedOrder(node: ReadNode, terms: OrderTerm[]): void {
  for (const term of terms) {
    if (term.relation === undefined)
      continue
    const embed = node.embeds.find(candidate => candidate.outputName === term.relation)
    if (!embed)
      throw notEmbedded(term.relation)
    if (embed.toMany) {
      throw new RestError(400, 'PGRST118', `A related order on '${term.relation}' is not possible`, null,
        `'${node.name}' and '${term.relation}' do not form a many-to-one or one-to-one relationship`)
    }
  }
}

/**
 * Resolves `select` into a tree of levels joined over foreign keys and hands every filter,
 * and/or tree, order and range to the level its dotted path names. `rootFilters: false`
 * leaves the root's filters out (a mutation applies them itself).
 */
export function buildReadPlan(snapshot: SchemaSnapshot, root: ReadRoot, params: QueryParams, options: { rootFilters: boolean }): ReadNode {
  const aliases = new AliasAllocator()
  const node = buildNode(snapshot, root, params.select, aliases, aliases.take(root.name))
  const onlyNested = <T>(items: Array<AtPath<T>>) => options.rootFilters ? items : items.filter(item => item.path.length > 0)
  distribute(node, onlyNested(params.filters), (level, filter) => level.filters.push(filter))
  distribute(node, onlyNested(params.logic), (level, tree) => level.logic.push(tree))
  distribute(node, params.order, (level, terms) => {
    checkRelatedOrder(level, terms)
    level.order.push(...terms)
  })
  for (const [key, range] of params.ranges) {
    if (key !== '')
      nodeAt(node, key.split('.')).range = range
  }
  return node
}
