import pg from 'pg'
import { log } from '../log.ts'
import type { RelationInfo } from './relation-info.ts'

export interface RoleAccess {
  /** Superusers and BYPASSRLS roles (service_role) see every row. */
  bypassRls: boolean
  /** Columns the role may SELECT; a record shows only these. */
  columns: Set<string>
}

export interface TableAccess {
  rls: boolean
  /** Only roles that exist appear here. */
  roles: Map<string, RoleAccess>
}

/** Whether RLS is on for a table and what each role may read of it, as of now. */
export async function loadAccess(pool: pg.Pool, relationOid: number, roles: string[]): Promise<TableAccess> {
  const { rows } = await pool.query<{ rolname: string, bypass: boolean, rls: boolean, columns: string[] }>(`
    select r.rolname, r.rolsuper or r.rolbypassrls as bypass, c.relrowsecurity as rls,
      array(select a.attname::text from pg_attribute a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
              and has_column_privilege(r.oid, c.oid, a.attnum, 'SELECT')
            order by a.attnum) as columns
    from pg_class c join pg_roles r on r.rolname = any($2::text[])
    where c.oid = $1`,
  [relationOid, roles])
  return {
    rls: rows[0]?.rls ?? false,
    roles: new Map(rows.map(row => [row.rolname, { bypassRls: row.bypass, columns: new Set(row.columns) }])),
  }
}

/** Which of `keys` (primary-key values as WAL text, in primary-key order) `role` + `claimsJson` can read. */
export interface VisibilityCheck {
  role: string
  claimsJson: string
  relation: RelationInfo
  keys: Array<Array<string | null>>
}

function checkStatement(check: VisibilityCheck): string {
  const { relation } = check
  const table = `${pg.escapeIdentifier(relation.schema)}.${pg.escapeIdentifier(relation.table)}`
  const keyMatch = relation.primaryKey.map((name, i) => {
    const column = relation.columns.find(candidate => candidate.name === name)
    const cast = column ? `::${column.sqlType}` : ''
    return `x.${pg.escapeIdentifier(name)} = (e.k ->> ${i})${cast}`
  }).join(' and ')
  return `select array(select (e.position - 1)::int
    from jsonb_array_elements(${pg.escapeLiteral(JSON.stringify(check.keys))}::jsonb) with ordinality as e(k, position)
    where exists (select 1 from ${table} as x where ${keyMatch})) as visible`
}

function roleStatement(check: VisibilityCheck): string {
  return `select set_config('role', ${pg.escapeLiteral(check.role)}, true), set_config('request.jwt.claims', ${pg.escapeLiteral(check.claimsJson)}, true)`
}

/**
 * True once transaction `xid` is visible to new snapshots. WAL can reach us between the commit
 * record and the moment the committing backend leaves the proc array; a check run in that gap
 * would not see the row. The 32-bit xid gets the epoch of the snapshot's xmax.
 */
function committedStatement(xid: number): string {
  return `select pg_visible_in_snapshot((case when c > x + 2147483648 then c - 4294967296 else c end)::text::xid8, s) as visible
    from (select s, x, ((x >> 32) << 32) + ${xid}::bigint as c
          from (select s, pg_snapshot_xmax(s)::text::bigint as x from (select pg_current_snapshot() as s) as snapshot) as bounds) as candidate`
}

/**
 * One round trip: a transaction that, per claims group, becomes that role as PostgREST does and
 * selects the rows by key. Undefined when the writing transaction is not visible yet.
 */
async function runChecks(pool: pg.Pool, xid: number, checks: VisibilityCheck[]): Promise<Array<Set<number>> | undefined> {
  const statements = ['begin', committedStatement(xid)]
  const resultIndex: number[] = []
  let previous: VisibilityCheck | undefined
  for (const check of checks) {
    if (!previous || previous.role !== check.role || previous.claimsJson !== check.claimsJson)
      statements.push(roleStatement(check))
    resultIndex.push(statements.length)
    statements.push(checkStatement(check))
    previous = check
  }
  statements.push('rollback')
  const client = await pool.connect()
  try {
    const results = await client.query(statements.join(';\n')) as unknown as pg.QueryResult[]
    if (!(results[1].rows[0] as { visible: boolean }).visible)
      return undefined
    return resultIndex.map(index => new Set((results[index].rows[0] as { visible: number[] }).visible))
  }
  catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  }
  finally {
    client.release()
  }
}

const visibilityWaitMs = 2000

/** Runs the checks once transaction `xid` is visible (it nearly always already is). */
async function runChecksWhenCommitted(pool: pg.Pool, xid: number, checks: VisibilityCheck[]): Promise<Array<Set<number>>> {
  const deadline = Date.now() + visibilityWaitMs
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    const visible = await runChecks(pool, xid, checks)
    if (visible)
      return visible
    if (Date.now() > deadline)
      throw new Error(`transaction ${xid} did not become visible`)
    await new Promise(resolve => setTimeout(resolve, pause))
  }
}

/**
 * Applies each subscriber's RLS to changed rows: the row is delivered only if that role, with
 * those claims, can select it by primary key once the writing transaction `xid` is visible.
 * Checks with the same claims share one `set_config`; all of them share one transaction. If a
 * policy errors, the checks are retried one by one so only that subscriber goes without.
 */
export async function visibleKeys(pool: pg.Pool, xid: number, checks: VisibilityCheck[]): Promise<Array<Set<number>>> {
  if (checks.length === 0)
    return []
  const ordered = checks.map((check, i) => ({ check, i })).sort((a, b) => (a.check.claimsJson < b.check.claimsJson ? -1 : a.check.claimsJson > b.check.claimsJson ? 1 : 0))
  try {
    const visible = await runChecksWhenCommitted(pool, xid, ordered.map(entry => entry.check))
    const result = new Array<Set<number>>(checks.length)
    ordered.forEach((entry, k) => {
      result[entry.i] = visible[k]
    })
    return result
  }
  catch (error) {
    if (checks.length === 1) {
      log.error('realtime', `RLS check on ${checks[0].relation.schema}.${checks[0].relation.table} as ${checks[0].role} failed: ${(error as Error).message}`)
      return [new Set()]
    }
    return Promise.all(checks.map(async check => (await visibleKeys(pool, xid, [check]))[0]))
  }
}
