/**
 * Entry point of `npm start`, `npm run dev`, `npm run stack` and `npm run db:types`:
 *   stack      the local Supabase stand-in only, in the foreground
 *   start      stack + .env.local + production build of the PWA served with its service worker
 *   dev        stack + .env.local + Vite's dev server with hot reload
 *   gen-types  src/types/database.ts from the schema of a throwaway stack
 * Ports: PRONTO_API_PORT, PRONTO_DB_PORT, PRONTO_APP_PORT; database folder: PRONTO_DATA_DIR;
 * env file written: PRONTO_ENV_FILE (default .env.local).
 * `--simulate <leads per minute>` (start, dev, stack): post realistic demo leads through ingest-lead.
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP stop everything in order and exit 0; a second one forces exit 1.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { AppServer } from './app.ts'
import { buildApp, serveBuiltApp, startDevServer } from './app.ts'
import { defaultPorts, repoRoot, stateDir } from './config.ts'
import { writeEnvLocal } from './env-file.ts'
import { demoSourceKey, parseSimulateOption, startLeadSimulator } from './lead-simulator.ts'
import { log } from './log.ts'
import { ensurePortFree, ensureWritableDir, StartupError } from './preflight.ts'
import { startStack } from './stack.ts'
import type { Stack } from './stack.ts'
import { writeTypes } from './typegen/index.ts'

type Mode = 'stack' | 'start' | 'dev'

const demoPassword = 'pronto-demo'
const demoLogins = ['manager@demo.pronto.test', 'rep1@demo.pronto.test', 'rep2@demo.pronto.test', 'rep3@demo.pronto.test', 'rep4@demo.pronto.test']
const devServerPort = 5173
const duplicateSignalMs = 1000

function portFromEnv(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '')
    return fallback
  const port = Number(text)
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new StartupError(`${name}=${text} is not a port number (1-65535)`)
  return port
}

/**
 * Stops what was started, newest first, exactly once. A signal during start-up is honoured as soon
 * as start-up returns (each step checks `requested`); a second signal exits without waiting.
 */
class Shutdown {
  requested = false
  private requestedAt = 0
  private serving = false
  private stopping?: Promise<boolean>
  private readonly steps: Array<() => Promise<void>> = []

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      process.on(signal, () => this.onSignal(signal))
  }

  add(step: () => Promise<void>): void {
    this.steps.push(step)
  }

  /** Resolves false when a step failed (it is logged). */
  stop(): Promise<boolean> {
    this.stopping ??= (async () => {
      let clean = true
      for (const step of this.steps.reverse()) {
        await step().catch((error: Error) => {
          clean = false
          log.error('cli', `while stopping: ${error.message}`)
        })
      }
      return clean
    })()
    return this.stopping
  }

  /** Start-up is over: from now on a signal stops at once. */
  ready(): void {
    this.serving = true
    if (this.requested)
      void this.exit()
  }

  async exit(): Promise<never> {
    process.exit((await this.stop()) ? 0 : 1)
  }

  private onSignal(signal: string): void {
    if (this.requested) {
      // One Ctrl-C can arrive twice (from the terminal and relayed by tsx's launcher): only a later one forces.
      if (performance.now() - this.requestedAt < duplicateSignalMs)
        return
      log.error('cli', `${signal} again: exiting without waiting`)
      process.exit(1)
    }
    this.requested = true
    this.requestedAt = performance.now()
    log.info('cli', `${signal}: stopping`)
    if (this.serving)
      void this.exit()
  }
}

function banner(mode: Mode, stack: Stack, appUrl: string | undefined, envFile: string): string {
  const lines = [
    '',
    mode === 'stack' ? 'Pronto stack is running' : `Pronto is running (${mode === 'dev' ? 'dev server, hot reload' : 'production build'})`,
    ...(appUrl ? [`  App        ${appUrl}`] : []),
    `  API        ${stack.apiUrl}`,
    `  Database   ${stack.dbUrl}`,
    `  Env file   ${path.relative(repoRoot, envFile)}`,
    `  Demo logins (password ${demoPassword}): ${demoLogins.join(', ')}`,
    '  Stop with Ctrl-C',
    '',
  ]
  return lines.join('\n')
}

async function serve(mode: Mode, shutdown: Shutdown, simulatePerMinute: number | null): Promise<void> {
  const apiPort = portFromEnv('PRONTO_API_PORT', defaultPorts.api)
  const dbPort = portFromEnv('PRONTO_DB_PORT', defaultPorts.db)
  const appPort = portFromEnv('PRONTO_APP_PORT', mode === 'dev' ? devServerPort : defaultPorts.app)
  const dataDir = process.env.PRONTO_DATA_DIR ? path.resolve(process.env.PRONTO_DATA_DIR) : path.join(stateDir, 'db')

  await ensureWritableDir(dataDir, 'PRONTO_DATA_DIR')
  await ensurePortFree(apiPort, 'API', 'PRONTO_API_PORT')
  await ensurePortFree(dbPort, 'database', 'PRONTO_DB_PORT')
  if (mode !== 'stack')
    await ensurePortFree(appPort, 'app', 'PRONTO_APP_PORT')

  const stack = await startStack({ dataDir, apiPort, dbPort })
  shutdown.add(stack.stop)
  const appUrl = `http://127.0.0.1:${appPort}`
  const envFile = await writeEnvLocal({
    apiUrl: stack.apiUrl,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    appUrl,
    extra: { VITE_VAPID_PUBLIC_KEY: stack.vapidPublicKey, PRONTO_DEMO_SOURCE_KEY: demoSourceKey },
  }, process.env.PRONTO_ENV_FILE ? path.resolve(process.env.PRONTO_ENV_FILE) : undefined)

  let app: AppServer | undefined
  if (mode === 'start' && !shutdown.requested) {
    log.info('app', 'building the PWA (vite build)')
    await buildApp()
  }
  if (mode !== 'stack' && !shutdown.requested) {
    app = mode === 'start' ? await serveBuiltApp(appPort) : await startDevServer(appPort)
    shutdown.add(app.close)
  }
  if (!shutdown.requested)
    process.stdout.write(`${banner(mode, stack, app?.url, envFile)}\n`)
  if (simulatePerMinute !== null && !shutdown.requested) {
    const simulator = startLeadSimulator({ apiUrl: stack.apiUrl, perMinute: simulatePerMinute })
    shutdown.add(simulator.stop)
  }
}

async function generateTypes(shutdown: Shutdown): Promise<void> {
  const dataRoot = await mkdtemp(path.join(tmpdir(), 'pronto-typegen-'))
  shutdown.add(() => rm(dataRoot, { recursive: true, force: true }))
  const stack = await startStack({ dataDir: path.join(dataRoot, 'db'), apiPort: 0, dbPort: 0, reset: true, scheduler: false })
  shutdown.add(stack.stop)
  const file = await writeTypes(stack.dbUrl)
  log.info('typegen', `wrote ${path.relative(repoRoot, file)}`)
}

/** The cause in one line (the full stack with PRONTO_LOG=debug). */
function describe(error: unknown): string {
  if (process.env.PRONTO_LOG === 'debug' && error instanceof Error && error.stack)
    return error.stack
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]
}

async function main(): Promise<void> {
  const command = process.argv[2]
  const modes: Record<string, Mode> = { stack: 'stack', start: 'start', dev: 'dev' }
  if (command !== 'gen-types' && !modes[command]) {
    process.stderr.write('Usage: tsx supabase/local/cli.ts start|dev|stack|gen-types\n')
    process.exit(2)
  }
  const shutdown = new Shutdown()
  try {
    if (command === 'gen-types') {
      await generateTypes(shutdown)
      await shutdown.exit()
    }
    await serve(modes[command], shutdown, parseSimulateOption(process.argv.slice(3)))
    shutdown.ready()
  }
  catch (error) {
    process.stderr.write(`pronto: ${describe(error)}\n`)
    await shutdown.stop()
    process.exit(1)
  }
}

await main()
