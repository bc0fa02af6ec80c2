import type pg from 'pg'
import { relationshipsOf } from './relationships.ts'
import type { Relationship } from './relationships.ts'

export interface Column {
  name: string
  /** `format_type` text, e.g. `integer`, `text[]`, `timestamp with time zone`. */
  type: string
  /** The DEFAULT expression as PostgreSQL prints it, for `Prefer: missing=default`. */
  default: string | null
}

export interface Table {
  name: string
  isView: boolean
  /** In declaration order. */
  columns: Map<string, Column>
  primaryKey: string[]
  uniqueKeys: string[][]
}

export interface ForeignKey {
  name: string
  table: string
  columns: string[]
  foreignTable: string
  foreignColumns: string[]
}

export interface RoutineParam {
  /** '' for an unnamed parameter. */
  name: string
  type: string
  hasDefault: boolean
  variadic: boolean
}

export interface Routine {
  name: string
  /** Input parameters (IN, INOUT, VARIADIC) in order. */
  params: RoutineParam[]
  returns: {
    kind: 'void' | 'scalar' | 'composite'
    set: boolean
    /** The exposed table whose row type the function returns, so its results can embed. */
    table?: string
  }
}

/** What PostgREST's schema cache holds, for one exposed schema. */
export interface SchemaSnapshot {
  schema: string
  tables: Map<string, Table>
  /** Keyed by the origin table. */
  relationships: Map<string, Relationship[]>
  routines: Map<string, Routine[]>
  /** `alter role … set …` values applied per request, as PostgREST applies them. */
  roleSettings: Map<string, Array<[string, string]>>
  /** Every role, and whether `authenticator` may switch to it (a JWT naming another role is refused). */
  roles: Map<string, boolean>
  /** When loading started (ms since epoch); lookups that miss reload if the snapshot is older than the request. */
  loadedAt: number
}

const tablesQuery = `
  select c.relname as name, c.relkind in ('v', 'm') as is_view,
         coalesce(json_agg(json_build_object(
           'name', a.attname,
           'type', format_type(a.atttypid, a.atttypmod),
           'default', case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end
         ) order by a.attnum) filter (where a.attname is not null), '[]') as columns
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
  where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'f', 'p')
  group by c.oid`

const constraintsQuery = `
  select con.conname as name, con.contype as type, rel.relname as table_name,
         array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
               join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord)::text[] as columns,
         frel.relname as foreign_table, fns.nspname as foreign_schema,
         array(select a.attname from unnest(con.confkey) with ordinality k(attnum, ord)
               join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord)::text[] as foreign_columns
  from pg_constraint con
  join pg_class rel on rel.oid = con.conrelid
  join pg_namespace ns on ns.oid = rel.relnamespace
  left join pg_class frel on frel.oid = con.confrelid
  left join pg_namespace fns on fns.oid = frel.relnamespace
  where ns.nspname = $1 and con.contype in ('p', 'u', 'f')
  order by con.conname`

const routinesQuery = `
  select p.proname as name, p.proretset as returns_set, t.typname as return_type, t.typtype as return_type_kind,
         case when rns.nspname = $1 then rel.relname end as return_table, p.pronargdefaults as defaults,
         coalesce((select json_agg(json_build_object('name', coalesce(arg.name, ''), 'type', format_type(arg.type, null),
                                                    'mode', coalesce(arg.mode, 'i')) order by arg.ord)
                   from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes::text[], p.proargnames)
                        with ordinality as arg(type, mode, name, ord)), '[]') as args
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  join pg_type t on t.oid = p.prorettype
  left join pg_class rel on rel.oid = t.typrelid
  left join pg_namespace rns on rns.oid = rel.relnamespace
  where n.nspname = $1 and p.prokind = 'f' and t.typname not in ('trigger', 'event_trigger')`

// Only settings a transaction can change with set_config; search_path is chosen per request.
const roleSettingsQuery = `
  select r.rolname as role, split_part(cfg, '=', 1) as name, substr(cfg, strpos(cfg, '=') + 1) as value
  from pg_db_role_setting s
  join pg_roles r on r.oid = s.setrole
  cross join unnest(s.setconfig) as cfg
  join pg_settings ps on ps.name = split_part(cfg, '=', 1) and ps.context in ('user', 'superuser')
  where (s.setdatabase = 0 or s.setdatabase = (select oid from pg_database where datname = current_database()))
    and split_part(cfg, '=', 1) <> 'search_path'
  order by r.rolname, s.setdatabase`

const rolesQuery = `select rolname, pg_has_role('authenticator', oid, 'MEMBER') as granted from pg_roles`

interface TableRow { name: string, is_view: boolean, columns: Column[] }
interface ConstraintRow {
  name: string
  type: 'p' | 'u' | 'f'
  table_name: string
  columns: string[]
  foreign_table: string | null
  foreign_schema: string | null
  foreign_columns: string[]
}
interface RoutineRow {
  name: string
  returns_set: boolean
  return_type: string
  return_type_kind: string
  return_table: string | null
  defaults: number
  args: Array<{ name: string, type: string, mode: string }>
}

function routineFrom(row: RoutineRow): Routine {
  const inputs = row.args.filter(arg => arg.mode === 'i' || arg.mode === 'b' || arg.mode === 'v')
  const firstDefault = inputs.length - row.defaults
  const composite = row.return_type_kind === 'c' || row.return_type === 'record'
  return {
    name: row.name,
    params: inputs.map((arg, index) => ({ name: arg.name, type: arg.type, hasDefault: index >= firstDefault, variadic: arg.mode === 'v' })),
    returns: {
      kind: row.return_type === 'void' ? 'void' : composite ? 'composite' : 'scalar',
      set: row.returns_set,
      table: row.return_table ?? undefined,
    },
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    groups.set(k, [...groups.get(k) ?? [], item])
  }
  return groups
}

/** Reads tables, columns, keys, foreign keys, functions and role settings of `schema`. */
export async function introspect(pool: pg.Pool, schema: string): Promise<SchemaSnapshot> {
  const loadedAt = Date.now()
  const [tableRows, constraintRows, routineRows, settingRows, roleRows] = await Promise.all([
    pool.query<TableRow>(tablesQuery, [schema]),
    pool.query<ConstraintRow>(constraintsQuery, [schema]),
    pool.query<RoutineRow>(routinesQuery, [schema]),
    pool.query<{ role: string, name: string, value: string }>(roleSettingsQuery),
    pool.query<{ rolname: string, granted: boolean }>(rolesQuery),
  ])
  const tables = new Map<string, Table>()
  for (const row of tableRows.rows) {
    tables.set(row.name, {
      name: row.name,
      isView: row.is_view,
      columns: new Map(row.columns.map(column => [column.name, column])),
      primaryKey: [],
      uniqueKeys: [],
    })
  }
  const foreignKeys: ForeignKey[] = []
  for (const row of constraintRows.rows) {
    const table = tables.get(row.table_name)
    if (!table)
      continue
    if (row.type === 'p')
      table.primaryKey = row.columns
    else if (row.type === 'u')
      table.uniqueKeys.push(row.columns)
    else if (row.foreign_schema === schema && row.foreign_table && tables.has(row.foreign_table))
      foreignKeys.push({ name: row.name, table: row.table_name, columns: row.columns, foreignTable: row.foreign_table, foreignColumns: row.foreign_columns })
  }
  const roleSettings = new Map<string, Array<[string, string]>>()
  for (const row of settingRows.rows)
    roleSettings.set(row.role, [...roleSettings.get(row.role) ?? [], [row.name, row.value]])
  return {
    schema,
    tables,
    relationships: groupBy(relationshipsOf(tables, foreignKeys), relationship => relationship.table),
    routines: groupBy(routineRows.rows.map(routineFrom), routine => routine.name),
    roleSettings,
    roles: new Map(roleRows.rows.map(row => [row.rolname, row.granted])),
    loadedAt,
  }
}
