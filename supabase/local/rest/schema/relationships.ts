import { RestError } from '../errors.ts'
import type { ForeignKey, Table } from './introspect.ts'

export type Cardinality = 'many-to-one' | 'one-to-many' | 'one-to-one'

/** A foreign key seen from one of its two tables. */
export interface Relationship {
  table: string
  foreignTable: string
  constraint: string
  /** Column pairs `[column of table, column of foreignTable]`. */
  columns: Array<[string, string]>
  cardinality: Cardinality
  isSelf: boolean
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every(column => b.includes(column))
}

/** Both directions of every foreign key: many-to-one from the referencing table, one-to-many back (one-to-one when the key is unique). */
export function relationshipsOf(tables: Map<string, Table>, foreignKeys: ForeignKey[]): Relationship[] {
  return foreignKeys.flatMap((fk) => {
    const table = tables.get(fk.table)!
    const unique = [table.primaryKey, ...table.uniqueKeys].some(key => key.length > 0 && sameColumns(key, fk.columns))
    const pairs = fk.columns.map((column, i): [string, string] => [column, fk.foreignColumns[i]])
    const isSelf = fk.table === fk.foreignTable
    return [
      { table: fk.table, foreignTable: fk.foreignTable, constraint: fk.name, columns: pairs, cardinality: unique ? 'one-to-one' : 'many-to-one', isSelf },
      {
        table: fk.foreignTable,
        foreignTable: fk.table,
        constraint: fk.name,
        columns: pairs.map(([a, b]): [string, string] => [b, a]),
        cardinality: unique ? 'one-to-one' : 'one-to-many',
        isSelf,
      },
    ]
  })
}

function singleColumn(relationship: Relationship, side: 0 | 1): string | undefined {
  return relationship.columns.length === 1 ? relationship.columns[0][side] : undefined
}

/** Whether embedding `target` (with `hint`) from the relationship's table means this relationship, by PostgREST's rules. */
function matches(relationship: Relationship, target: string, hint: string | undefined): boolean {
  const { foreignTable, constraint, cardinality } = relationship
  if (relationship.isSelf) {
    // One foreign key gives two self-relationships: the table name means the children
    // (one-to-many), the referencing column's name means the parent (many-to-one).
    if (hint === undefined) {
      return (target === foreignTable && cardinality === 'one-to-many')
        || (target === singleColumn(relationship, 0) && cardinality === 'many-to-one')
    }
    return target === foreignTable && cardinality === 'one-to-many' && hint === singleColumn(relationship, 1)
  }
  if (hint === undefined)
    return target === foreignTable || target === constraint || target === singleColumn(relationship, 0)
  return target === foreignTable
    && (hint === constraint || hint === singleColumn(relationship, 0) || hint === singleColumn(relationship, 1))
}

function describe(relationship: Relationship): Record<string, string> {
  const list = (side: 0 | 1) => `(${relationship.columns.map(pair => pair[side]).join(', ')})`
  return {
    cardinality: relationship.cardinality,
    embedding: `${relationship.table} with ${relationship.foreignTable}`,
    relationship: `${relationship.constraint} using ${relationship.table}${list(0)} and ${relationship.foreignTable}${list(1)}`,
  }
}

/** The one relationship an embed names, or PGRST200 (none) / PGRST201 (ambiguous). */
export function findRelationship(
  relationships: Relationship[],
  schema: string,
  origin: string,
  target: string,
  hint: string | undefined,
): Relationship {
  const found = relationships.filter(relationship => matches(relationship, target, hint))
  if (found.length === 1)
    return found[0]
  if (found.length === 0) {
    const using = hint === undefined ? '' : `' using the hint '${hint}`
    throw new RestError(400, 'PGRST200', `Could not find a relationship between '${origin}' and '${target}' in the schema cache`,
      `Searched for a foreign key relationship between '${origin}' and '${target}${using}' in the schema '${schema}', but no matches were found.`)
  }
  const options = found.map(relationship => `'${relationship.foreignTable}!${relationship.constraint}'`).join(', ')
  throw new RestError(300, 'PGRST201', `Could not embed because more than one relationship was found for '${origin}' and '${target}'`,
    found.map(describe), `Try changing '${target}' to one of the following: ${options}. Find the desired relationship in the 'details' key.`)
}
