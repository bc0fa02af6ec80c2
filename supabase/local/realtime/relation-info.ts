import type pg from 'pg'
import type { Pgoutput } from 'pg-logical-replication'

export interface ColumnInfo {
  name: string
  /** pg_type.typname, what realtime-js's `columns[].type` expects (`int4`, `_text`, ...). */
  type: string
  /** format_type() of the column, used to cast WAL text back to a value. */
  sqlType: string
}

export interface RelationInfo {
  oid: number
  schema: string
  table: string
  /** In the order WAL sends them (attnum order). */
  columns: ColumnInfo[]
  primaryKey: string[]
}

/**
 * Type names and primary key of each relation the WAL describes. pgoutput sends a fresh
 * relation message whenever a table's definition changes, so caching per message is exact.
 */
export class RelationCatalog {
  private readonly cache = new WeakMap<Pgoutput.MessageRelation, Promise<RelationInfo>>()

  constructor(private readonly pool: pg.Pool) {}

  get(relation: Pgoutput.MessageRelation): Promise<RelationInfo> {
    let info = this.cache.get(relation)
    if (!info) {
      info = this.load(relation)
      info.catch(() => this.cache.delete(relation))
      this.cache.set(relation, info)
    }
    return info
  }

  private async load(relation: Pgoutput.MessageRelation): Promise<RelationInfo> {
    const { rows } = await this.pool.query<{ typname: string, sql_type: string, primary_key: string[] }>(`
      select t.typname, format_type(m.type_oid, m.type_mod) as sql_type,
        array(select a.attname::text
              from pg_index x join pg_attribute a on a.attrelid = x.indrelid and a.attnum = any(x.indkey)
              where x.indrelid = $3 and x.indisprimary
              order by array_position(x.indkey::int2[], a.attnum)) as primary_key
      from unnest($1::oid[], $2::int4[]) with ordinality as m(type_oid, type_mod, position)
      join pg_type t on t.oid = m.type_oid
      order by m.position`,
    [relation.columns.map(column => column.typeOid), relation.columns.map(column => column.typeMod), relation.relationOid])
    if (rows.length !== relation.columns.length)
      throw new Error(`unknown column types in ${relation.schema}.${relation.name}`)
    return {
      oid: relation.relationOid,
      schema: relation.schema,
      table: relation.name,
      columns: relation.columns.map((column, i) => ({ name: column.name, type: rows[i].typname, sqlType: rows[i].sql_type })),
      primaryKey: rows[0]?.primary_key ?? [],
    }
  }
}
