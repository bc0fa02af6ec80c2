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

// One statement text per number of role settings (usually none); `is null` keeps the values
// from being echoed back in the row.
const setupSqlByCount: string[] = []

/** The settings statement: role settings first, so the role switch comes after them. */
function setupSql(roleSettingCount: number): string {
  let sql = setupSqlByCount[roleSettingCount]
  if (sql === undefined) {
    const parameter = (index: number) => `$${index + 1}`
    const assignments = [
      ...Array.from({ length: roleSettingCount }, (_, i) => `set_config(${parameter(2 * i)}, ${parameter(2 * i + 1)}, true)`),
      `set_config('search_path', '"public", "extensions"', true)`,
      ...requestSettings.map((name, i) => `set_config('${name}', ${parameter(2 * roleSettingCount + i)}, true)`),
    ]
    sql = `select ${assignments.map(assignment => `${assignment} is null`).join(', ')}`
    setupSqlByCount[roleSettingCount] = sql
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

function setupStatement(settings: RequestSettings): Statement {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(settings.headers)) {
    if (value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return {
    text: setupSql(settings.roleSettings.length),
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

/**
 * Runs one request in one transaction on a pooled connection: BEGIN, the settings, the
 * statement and (unless the result must be checked first) COMMIT go out as one batch with a
 * single Sync, so a read costs one round trip; statements are prepared once per connection.
 * After a failed statement the transaction is rolled back before the connection is reused.
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
    const statements: Statement[] = [
      { text: options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN', values: [] },
      setupStatement(settings),
      statement,
    ]
    if (!options.check)
      statements.push({ text: 'COMMIT', values: [] })
    const batch = prepared.batchFor(client, options.generation, statements)
    const steps = batch.reset ? [{ ...deallocateAll, parse: true }, ...batch.steps] : batch.steps
    const submitted = client.query(new StatementBatch(steps))
    let rows
    try {
      rows = await submitted.done
    }
    catch (error) {
      prepared.batchFailed(client, batch)
      // PostgreSQL skipped the rest of the batch (COMMIT included): end what is left of the transaction.
      if (error instanceof pg.DatabaseError) {
        await client.query('ROLLBACK')
        ended = true
      }
      throw error
    }
    const fields = rows[steps.length - statements.length + 2]
    if (fields === undefined)
      throw new Error('the statement returned no row')
    const result = statementResult(fields)
    if (!options.check) {
      ended = true
      return result
    }
    const refusal = options.check(result)
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
