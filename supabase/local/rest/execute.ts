import type { IncomingHttpHeaders } from 'node:http'
import pg from 'pg'
import type { Identity } from './auth.ts'
import type { RestError } from './errors.ts'
import type { PreparedStatements } from './prepared.ts'
import { statementResult } from './sql/statements.ts'
import type { StatementResult } from './sql/statements.ts'
import { StatementBatch } from './statement-batch.ts'

/** What a request sets before its query, as PostgREST's pre-request statement does. */
export interface RequestSettings {
  identity: Identity
  /** Per-role `alter role … set` values (e.g. anon's statement_timeout), applied first. */
  roleSettings: Array<[string, string]>
  method: string
  path: string
  headers: IncomingHttpHeaders
}

const requestSettings = ['role', 'request.jwt.claims', 'request.method', 'request.path', 'request.headers', 'request.cookies']

// One statement text per number of role settings (usually none) and access mode; `is null`
// keeps the values from being echoed back in the row.
const setupSqlByKey = new Map<string, string>()

/**
 * The settings statement: role settings first, so the role switch comes after them. A read-only
 * request makes its transaction read-only here, as `BEGIN READ ONLY` would (turning a
 * transaction read-only is allowed at any point in it).
 */
function setupSql(roleSettingCount: number, readOnly: boolean): string {
  const key = `${roleSettingCount}${readOnly ? 'r' : 'w'}`
  let sql = setupSqlByKey.get(key)
  if (sql === undefined) {
    const parameter = (index: number) => `$${index + 1}`
    const assignments = [
      ...(readOnly ? [`set_config('transaction_read_only', 'on', true)`] : []),
      ...Array.from({ length: roleSettingCount }, (_, i) => `set_config(${parameter(2 * i)}, ${parameter(2 * i + 1)}, true)`),
      `set_config('search_path', '"public", "extensions"', true)`,
      ...requestSettings.map((name, i) => `set_config('${name}', ${parameter(2 * roleSettingCount + i)}, true)`),
    ]
    sql = `select ${assignments.map(assignment => `${assignment} is null`).join(', ')}`
    setupSqlByKey.set(key, sql)
  }
  return sql
}

function cookiesOf(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0)
      cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  return cookies
}

function setupStatement(settings: RequestSettings, readOnly: boolean): Statement {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(settings.headers)) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return {
    text: setupSql(settings.roleSettings.length, readOnly),
    values: [
      ...settings.roleSettings.flat(),
      settings.identity.role,
      settings.identity.claimsJson,
      settings.method,
      settings.path,
      JSON.stringify(headers),
      JSON.stringify(cookiesOf(settings.headers.cookie)),
    ],
  }
}

export interface Statement {
  text: string
  values: unknown[]
}

export interface RunOptions {
  /** GET and HEAD run in a read-only transaction, as with PostgREST. */
  readOnly: boolean
  /** The schema cache generation the statement was built against (scopes prepared statements). */
  generation: number
  /** Looks at the result before COMMIT; an error returned here rolls back and is thrown. */
  check?: (result: StatementResult) => RestError | undefined
}

const deallocateAll: Statement = { text: 'DEALLOCATE ALL', values: [] }
const begin: Statement = { text: 'BEGIN', values: [] }

/**
 * Runs one request in one transaction on a pooled connection, its statements sent as one batch
 * with a single Sync; statements are prepared once per connection. Without a check the batch is
 * the settings and the statement alone: PostgreSQL runs everything up to a Sync as one implicit
 * transaction, committed at the Sync (rolled back there after an error), so a read costs one
 * round trip and no BEGIN/COMMIT. A checked statement runs in an explicit transaction that is
 * committed or rolled back once its result has been looked at.
 */
export async function runInTransaction(
  pool: pg.Pool,
  prepared: PreparedStatements,
  settings: RequestSettings,
  statement: Statement,
  options: RunOptions,
): Promise<StatementResult> {
  const client = await pool.connect()
  // Whether the transaction is known to be over; otherwise the connection is discarded, not reused.
  let ended = false
  try {
    const check = options.check
    const explicit = check !== undefined
    const statements: Statement[] = explicit
      ? [begin, setupStatement(settings, options.readOnly), statement]
      : [setupStatement(settings, options.readOnly), statement]
    const batch = prepared.batchFor(client, options.generation, statements)
    const steps = batch.reset ? [{ ...deallocateAll, parse: true }, ...batch.steps] : batch.steps
    const submitted = client.query(new StatementBatch(steps))
    let rows
    try {
      rows = await submitted.done
    }
    catch (error) {
      prepared.batchFailed(client, batch)
      if (error instanceof pg.DatabaseError) {
        // The Sync rolled an implicit transaction back; an explicit one is left aborted.
        if (explicit)
          await client.query('ROLLBACK')
        ended = true
      }
      throw error
    }
    const fields = rows[steps.length - 1]
    if (fields === undefined)
      throw new Error('the statement returned no row')
    const result = statementResult(fields)
    if (!explicit) {
      ended = true
      return result
    }
    const refusal = check(result)
    await client.query(refusal ? 'ROLLBACK' : 'COMMIT')
    ended = true
    if (refusal)
      throw refusal
    return result
  }
  finally {
    client.release(ended ? undefined : new Error('transaction left in an unknown state'))
  }
}
