// Direct PostgreSQL access for edge functions (postgres.js on SUPABASE_DB_URL, which hosted
// Supabase and the local stack both provide): a small pool per function instance and
// transactions that are retried when PostgreSQL aborts them for a deadlock or a serialization
// conflict, so callers never see those transient errors.
import postgres from 'postgres'

export type Sql = postgres.Sql
export type Tx = postgres.TransactionSql

export interface PoolOptions {
  /** Connections per function instance; each instance serves many requests at once. */
  max?: number
  /** Shown in pg_stat_activity. */
  applicationName?: string
}

// Supavisor's transaction mode (port 6543) cannot keep prepared statements across transactions.
function usesTransactionPooler(url: string): boolean {
  try {
    return new URL(url).port === '6543'
  }
  catch {
    return false
  }
}

export function createPool(url: string, options: PoolOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 8,
    prepare: !usesTransactionPooler(url),
    idle_timeout: 60,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'pronto-function' },
  })
}

const transientCodes = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
])

/** The SQLSTATE of a PostgreSQL error, or null for anything else. */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null
}

/** Runs `work` in one transaction, again from the start (up to `attempts` times) when PostgreSQL aborts it for a deadlock or conflict. */
export async function inTransaction<T>(sql: Sql, work: (tx: Tx) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.begin(tx => work(tx)) as T
    }
    catch (error) {
      const code = sqlState(error)
      if (attempt >= attempts || code === null || !transientCodes.has(code))
        throw error
    }
  }
}

/** Hands a transaction's last writes over: COMMIT is sent right behind them, and this resolves once all are done. */
export type CommitAfter = (writes: ReadonlyArray<Promise<unknown> | null>) => Promise<void>

/**
 * Like inTransaction, but the work ends its transaction by passing its last writes to `commitAfter`,
 * which pipelines COMMIT behind them: one round trip less while the transaction holds its locks.
 * If a write fails, PostgreSQL answers that COMMIT with a rollback, so nothing half-done remains.
 * Work that returns without calling `commitAfter` is committed as usual.
 */
export async function inPipelinedTransaction<T>(sql: Sql, work: (tx: Tx, commitAfter: CommitAfter) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const connection = await sql.reserve()
    let open = true
    try {
      // Pipelined with the work's first statements; a connection that cannot BEGIN fails them too.
      const begun = connection`begin`.execute()
      begun.catch(() => {}) // surfaced by the awaits below
      const commitAfter: CommitAfter = async (writes) => {
        open = false
        const committed = connection`commit`.execute()
        // Every answer is awaited before the connection goes back to the pool; the first failure wins.
        const results = await Promise.allSettled([begun, ...writes, committed])
        const failed = results.find(result => result.status === 'rejected')
        if (failed)
          throw failed.reason
      }
      // A reserved connection takes the same tagged queries as a transaction.
      const result = await work(connection as unknown as Tx, commitAfter)
      if (open) {
        open = false
        await Promise.all([begun, connection`commit`])
      }
      return result
    }
    catch (error) {
      if (open)
        await connection`rollback`.catch(() => {})
      const code = sqlState(error)
      if (attempt >= attempts || code === null || !transientCodes.has(code))
        throw error
    }
    finally {
      connection.release()
    }
  }
}
