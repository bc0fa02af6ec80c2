import type pg from 'pg'

/** What the type generator needs to know about one schema, read from the system catalogs. */
export interface SchemaModel {
  name: string
  relations: Relation[]
  foreignKeys: ForeignKey[]
  functions: PgFunction[]
  /** Every type of the database (any schema): lookups by name and by id. */
  types: PgType[]
}

export interface Relation {
  id: number
  name: string
  kind: 'table' | 'view'
  /** Views only: INSERT/UPDATE/DELETE possible through the view. */
  updatable: boolean
  columns: Column[]
}

export interface Column {
  name: string
  /** Type name as in pg_type.typname (`int4`, `_text`, an enum's name…); domains resolve to their base type. */
  type: string
  nullable: boolean
  hasDefault: boolean
  identity: 'ALWAYS' | 'BY DEFAULT' | null
  updatable: boolean
}

export interface ForeignKey {
  name: string
  relation: string
  columns: string[]
  referencedRelation: string
  referencedColumns: string[]
  /** The referencing columns are themselves a primary key or unique: at most one row per referenced row. */
  oneToOne: boolean
}

export interface FunctionArg {
  mode: 'in' | 'out' | 'inout' | 'variadic' | 'table'
  name: string
  typeId: number
  hasDefault: boolean
}

export interface PgFunction {
  name: string
  args: FunctionArg[]
  /** pg_get_function_arguments(), e.g. `leads` for a computed field over the leads table. */
  argumentTypes: string
  returnTypeText: string
  returnTypeId: number
  /** The relation whose row type is returned (setof leads, leads), if any. */
  returnRelationId: number | null
  returnsSet: boolean
  /** The planner's row estimate of a set-returning function (ROWS n), else null. */
  rows: number | null
}

export interface PgType {
  id: number
  name: string
  schema: string
  enumValues: string[]
  /** Attributes of a composite type created with CREATE TYPE … AS (…). */
  attributes: Array<{ name: string, typeId: number }>
  /** The relation a row type belongs to (tables, views and composite types have one). */
  relationId: number | null
}

const relationsSql = `
select c.oid::int8 as id, c.relname as name,
       case when c.relkind in ('r', 'p', 'f') then 'table' else 'view' end as kind,
       c.relkind = 'v' and (pg_relation_is_updatable(c.oid, false) & 20) = 20 as updatable,
       coalesce((
         select json_agg(json_build_object(
                  'name', a.attname,
                  'type', coalesce(base.typname, t.typname),
                  'nullable', not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)),
                  'hasDefault', a.atthasdef,
                  'identity', case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' end,
                  'updatable', c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and pg_column_is_updatable(c.oid, a.attnum, false))
                ) order by a.attnum)
         from pg_attribute a
         join pg_type t on t.oid = a.atttypid
         left join pg_type base on t.typtype = 'd' and base.oid = t.typbasetype
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       ), '[]') as columns
from pg_class c
where c.relnamespace = $1::regnamespace
  and c.relkind in ('r', 'p', 'f', 'v', 'm')
  and not c.relispartition`

const foreignKeysSql = `
select k.conname as name, src.relname as relation, dst.relname as "referencedRelation",
       cols.columns, cols."referencedColumns",
       exists (
         select from pg_constraint u
         where u.conrelid = k.conrelid and u.contype in ('p', 'u')
           and (select array_agg(x order by x) from unnest(u.conkey) x) = (select array_agg(x order by x) from unnest(k.conkey) x)
           and cardinality(u.conkey) = cardinality(k.conkey)
       ) as "oneToOne"
from pg_constraint k
join pg_class src on src.oid = k.conrelid
join pg_class dst on dst.oid = k.confrelid
cross join lateral (
  select json_agg(ca.attname order by ord) as columns, json_agg(ra.attname order by ord) as "referencedColumns"
  from unnest(k.conkey, k.confkey) with ordinality as pair(col, ref, ord)
  join pg_attribute ca on ca.attrelid = k.conrelid and ca.attnum = pair.col
  join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = pair.ref
) cols
where k.contype = 'f' and k.conparentid = 0
  and src.relnamespace = $1::regnamespace and dst.relnamespace = $1::regnamespace`

const functionsSql = `
select p.proname as name,
       pg_get_function_arguments(p.oid) as "argumentTypes",
       pg_get_function_result(p.oid) as "returnTypeText",
       p.prorettype::int8 as "returnTypeId",
       nullif(rt.typrelid, 0)::int8 as "returnRelationId",
       p.proretset as "returnsSet",
       case when p.proretset then nullif(p.prorows, 0) end as rows,
       coalesce((
         select json_agg(json_build_object(
                  'mode', case arg.mode when 'i' then 'in' when 'o' then 'out' when 'b' then 'inout' when 'v' then 'variadic' else 'table' end,
                  'name', arg.name,
                  'typeId', arg.type_id::int8,
                  -- defaults belong to the last pronargdefaults input arguments
                  'hasDefault', arg.mode in ('i', 'b', 'v') and arg.input_position > p.pronargs - p.pronargdefaults
                ) order by arg.ord)
         from (
           select a.ord, a.mode, a.name, a.type_id,
                  count(*) filter (where a.mode in ('i', 'b', 'v')) over (order by a.ord) as input_position
           from unnest(
             coalesce(p.proargmodes, array_fill('i'::"char", array[cardinality(p.proargtypes)])),
             coalesce(p.proargnames, array_fill(''::text, array[cardinality(coalesce(p.proallargtypes, p.proargtypes))])),
             coalesce(p.proallargtypes, p.proargtypes::oid[])
           ) with ordinality as a(mode, name, type_id, ord)
         ) arg
       ), '[]') as args
from pg_proc p
join pg_type rt on rt.oid = p.prorettype
where p.pronamespace = $1::regnamespace and p.prokind = 'f'`

const typesSql = `
select t.oid::int8 as id, t.typname as name, t.typnamespace::regnamespace::text as schema,
       coalesce((select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '[]') as "enumValues",
       coalesce((
         select json_agg(json_build_object('name', a.attname, 'typeId', a.atttypid::int8) order by a.attnum)
         from pg_class c join pg_attribute a on a.attrelid = c.oid
         where c.oid = t.typrelid and c.relkind = 'c' and a.attnum > 0 and not a.attisdropped
       ), '[]') as attributes,
       nullif(t.typrelid, 0)::int8 as "relationId"
from pg_type t
where t.typrelid = 0 or exists (select from pg_class c where c.oid = t.typrelid and c.relkind in ('c', 'r', 'v', 'm', 'p'))`

/** Reads one schema (default `public`) the way the Supabase type generator sees it. */
export async function introspect(client: pg.ClientBase, schema = 'public'): Promise<SchemaModel> {
  // int8 ids come back as strings from pg; they are small oids, so numbers are exact.
  const numbers = <T extends object>(rows: T[], keys: Array<keyof T>) => rows.map((row) => {
    const copy = { ...row }
    for (const key of keys) {
      if (copy[key] !== null)
        (copy as Record<keyof T, unknown>)[key] = Number(copy[key])
    }
    return copy
  })
  const relations = await client.query<Relation>(relationsSql, [schema])
  const foreignKeys = await client.query<ForeignKey>(foreignKeysSql, [schema])
  const functions = await client.query<PgFunction>(functionsSql, [schema])
  const types = await client.query<PgType>(typesSql)
  return {
    name: schema,
    relations: numbers(relations.rows, ['id']),
    foreignKeys: foreignKeys.rows,
    functions: numbers(functions.rows, ['returnTypeId', 'returnRelationId', 'rows']),
    types: numbers(types.rows, ['id', 'relationId']).map(type => ({
      ...type,
      attributes: type.attributes.map(attribute => ({ ...attribute, typeId: Number(attribute.typeId) })),
    })),
  }
}
