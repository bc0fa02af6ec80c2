import { rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { createServer } from 'node:net'
import path from 'node:path'
import pg from 'pg'
import { createAuthService } from './auth/index.ts'
import { apiKeys, defaultPorts, jwtSecret, stateDir } from './config.ts'
import { createFunctionsService } from './functions/index.ts'
import { createGateway } from './gateway.ts'
import type { Service, StackContext } from './http.ts'
import { log } from './log.ts'
import { startPostgres } from './postgres/embedded-postgres.ts'
import { migrate } from './postgres/migrate.ts'
import { createRealtimeService } from './realtime/index.ts'
import { createRestService } from './rest/service.ts'
import { schedule } from './schedule.ts'
import { startScheduler } from './scheduler/index.ts'
import { ensureVapidKeys } from './vapid.ts'

export interface StackOptions {
  /** Database folder; default `.pronto/db`. */
  dataDir?: string
  /** Gateway port; 0 picks a free one. Default 54321. */
  apiPort?: number
  /** PostgreSQL port; 0 picks a free one. Default 54322. */
  dbPort?: number
  /** Delete the data folder first (tests use a throwaway one). */
  reset?: boolean
  /** Invoke functions on the local schedule (supabase/local/schedule.ts); default true, tests invoke by hand. */
  scheduler?: boolean
  /** A further folder of edge functions with its own config.toml, e.g. test fixtures that never deploy. */
  extraFunctionsDir?: string
  /** Extra environment variables for every edge function, on top of supabase/functions/.env. */
  functionEnv?: Record<string, string>
  /** Restart a function when its files change; default true, tests turn it off so runs stay deterministic. */
  watchFunctions?: boolean
  /** Where the VAPID key pair is kept (vapid.json); default the data folder's parent (`.pronto`), so a reset keeps it. */
  vapidDir?: string
}

export interface Stack extends StackContext {
  dbPort: number
  apiPort: number
  /** Cold start (fresh database) or warm start, and how long it took. */
  fresh: boolean
  startupMs: number
  /** The push (VAPID) public key the PWA subscribes with; the private key stays with the functions. */
  vapidPublicKey: string
  stop: () => Promise<void>
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'EADDRINUSE'
        ? `Port ${port} is taken: stop the other program or set PRONTO_API_PORT`
        : `Cannot listen on port ${port}: ${error.message}`))
    })
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port))
  })
}

/**
 * Starts the Docker-free Supabase stand-in: PostgreSQL with the platform bootstrap, migrations
 * and seed, then the gateway with REST, Auth, Realtime and Functions on one port.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const started = performance.now()
  const dataDir = options.dataDir ?? path.join(stateDir, 'db')
  if (options.reset)
    await rm(dataDir, { recursive: true, force: true })
  const dbPort = options.dbPort === 0 ? await freePort() : options.dbPort ?? defaultPorts.db
  const postgres = await startPostgres(dataDir, dbPort)
  const stops: Array<() => Promise<void>> = [postgres.stop]
  const stop = async () => {
    for (const step of stops.reverse())
      await step().catch(error => log.error('stack', `while stopping: ${(error as Error).message}`))
  }
  try {
    await migrate(postgres.url, { seed: postgres.fresh })
    const pool = new pg.Pool({ connectionString: postgres.url, max: 20 })
    // pg-pool's end() returns before idle sockets close, so Postgres stopping may still reach one: expected, not fatal.
    pool.on('error', error => log.debug('stack', `idle database connection: ${error.message}`))
    stops.push(() => pool.end())

    const vapid = await ensureVapidKeys(options.vapidDir ?? path.dirname(dataDir))
    const functionEnv = { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: vapid.subject, ...options.functionEnv }
    const gatewayPort = options.apiPort === 0 ? await freePort() : options.apiPort ?? defaultPorts.api
    const context: StackContext = {
      ...(await apiKeys()),
      pool,
      dbUrl: postgres.url,
      apiUrl: `http://127.0.0.1:${gatewayPort}`,
      jwtSecret,
    }
    const services: Service[] = [
      createRestService(context),
      createAuthService(context),
      createRealtimeService(context),
      createFunctionsService(context, { extraFunctionsDir: options.extraFunctionsDir, env: functionEnv, watch: options.watchFunctions }),
    ]
    const gateway = createGateway(services)
    const apiPort = await listen(gateway, gatewayPort)
    stops.push(async () => {
      for (const service of services)
        await service.close?.()
      gateway.closeAllConnections()
      await new Promise<void>(resolve => gateway.close(() => resolve()))
    })
    if (options.scheduler !== false) {
      // Pushed after the gateway, so it stops first: no calls into services that are closing.
      const scheduler = startScheduler({ apiUrl: context.apiUrl, serviceRoleKey: context.serviceRoleKey, calls: schedule })
      stops.push(() => scheduler.stop())
    }
    const startupMs = performance.now() - started
    log.info('stack', `ready in ${(startupMs / 1000).toFixed(1)}s (${postgres.fresh ? 'cold' : 'warm'}): API ${context.apiUrl}, database ${postgres.url}`)
    return { ...context, dbPort, apiPort, fresh: postgres.fresh, startupMs, vapidPublicKey: vapid.publicKey, stop }
  }
  catch (error) {
    await stop()
    throw error
  }
}
