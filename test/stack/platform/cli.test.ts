// The CLI behind `npm run stack` (and start/dev): the env file it writes, one-line start-up failures,
// and an orderly stop on SIGINT/SIGTERM that leaves no PostgreSQL or Deno process behind.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseEnv } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../../supabase/local/config.ts'
import { writeEnvLocal } from '../../../supabase/local/env-file.ts'
import { startPostgres } from '../../../supabase/local/postgres/embedded-postgres.ts'
import { ensurePortFree, ensureWritableDir, StartupError } from '../../../supabase/local/preflight.ts'
import { freePort } from '../../../supabase/local/stack.ts'

let scratch: string

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'pronto-cli-'))
})
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true })
})

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

/** Starts the CLI as the npm scripts do, in its own process group as a terminal would, with `env` on top of ours. */
function startCli(command: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'supabase', 'local', 'cli.ts'), command], {
    cwd: repoRoot,
    env: { ...process.env, PRONTO_LOG: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  return { child, output: () => output, exited }
}

async function waitFor(run: Run, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!run.output().includes(text)) {
    if (Date.now() > deadline || run.child.exitCode !== null)
      throw new Error(`no "${text}" from the CLI; it printed:\n${run.output()}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('.env.local', () => {
  it('carries the stack\'s URL and keys, the app URL and extra variables, readable by dotenv parsers', async () => {
    const file = path.join(scratch, '.env.local')
    await writeEnvLocal({
      apiUrl: 'http://127.0.0.1:54321',
      anonKey: 'anon.jwt.key',
      serviceRoleKey: 'service.jwt.key',
      appUrl: 'http://127.0.0.1:4173',
      extra: { PRONTO_DEMO_SOURCE_KEY: 'key with spaces # and "quotes"', MULTI_LINE: 'it\'s\ntwo lines', BOTH_QUOTES: 'it\'s "so"' },
    }, file)
    expect(parseEnv(await readFile(file, 'utf8'))).toEqual({
      VITE_SUPABASE_URL: 'http://127.0.0.1:54321',
      VITE_SUPABASE_ANON_KEY: 'anon.jwt.key',
      SUPABASE_SERVICE_ROLE_KEY: 'service.jwt.key',
      PRONTO_APP_URL: 'http://127.0.0.1:4173',
      PRONTO_DEMO_SOURCE_KEY: 'key with spaces # and "quotes"',
      MULTI_LINE: 'it\'s\ntwo lines',
      BOTH_QUOTES: 'it\'s "so"',
    })
  })

  it('refuses a name that is not an environment variable', async () => {
    await expect(writeEnvLocal({ apiUrl: 'a', anonKey: 'b', serviceRoleKey: 'c', appUrl: 'd', extra: { 'BAD NAME': 'x' } }, path.join(scratch, 'bad.env')))
      .rejects.toThrow('BAD NAME')
  })
})

describe('start-up checks', () => {
  it('name a taken port and the variable that moves it', async () => {
    const blocker = createServer()
    const port = await new Promise<number>(resolve => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)))
    try {
      await expect(ensurePortFree(port, 'database', 'PRONTO_DB_PORT')).rejects.toThrow(new StartupError(
        `Port ${port} (database) is taken: stop the program using it or set PRONTO_DB_PORT to another port`))
    }
    finally {
      blocker.close()
    }
    await expect(ensurePortFree(await freePort(), 'API', 'PRONTO_API_PORT')).resolves.toBeUndefined()
  })

  it('name a data folder that cannot be written', async () => {
    const file = path.join(scratch, 'a-file')
    await writeFile(file, '')
    await expect(ensureWritableDir(path.join(file, 'db'), 'PRONTO_DATA_DIR')).rejects.toThrow(
      `The data folder ${path.join(file, 'db')} is not writable (a file is in the way): fix its permissions or set PRONTO_DATA_DIR to another folder`)
    await expect(ensureWritableDir(path.join(scratch, 'fresh', 'db'), 'PRONTO_DATA_DIR')).resolves.toBeUndefined()
  })

  it('pass on PostgreSQL\'s own reason when it refuses to start', async () => {
    const dataDir = path.join(scratch, 'held')
    const holder = await startPostgres(dataDir, await freePort())
    try {
      const port = await freePort()
      await expect(startPostgres(dataDir, port)).rejects.toThrow(new RegExp(
        `PostgreSQL did not start on port ${port} with data in ${dataDir} .*: .*lock file "postmaster.pid" already exists`))
    }
    finally {
      await holder.stop()
    }
  }, 60_000)

  it('make the CLI exit 1 with the cause on one line', async () => {
    const blocker = createServer()
    const port = await new Promise<number>(resolve => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)))
    try {
      const run = startCli('stack', { PRONTO_API_PORT: String(port), PRONTO_DB_PORT: String(await freePort()), PRONTO_DATA_DIR: path.join(scratch, 'unused') })
      expect(await run.exited).toBe(1)
      expect(run.output().trim().split('\n').filter(line => line.startsWith('pronto:'))).toEqual([
        `pronto: Port ${port} (API) is taken: stop the program using it or set PRONTO_API_PORT to another port`,
      ])
    }
    finally {
      blocker.close()
    }
  }, 60_000)
})

describe('npm run stack', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`serves until ${signal}, then stops PostgreSQL and exits 0`, async () => {
      const apiPort = await freePort()
      const dataDir = path.join(scratch, `db-${signal}`)
      const envFile = path.join(scratch, `env-${signal}`)
      const run = startCli('stack', {
        PRONTO_API_PORT: String(apiPort),
        PRONTO_DB_PORT: String(await freePort()),
        PRONTO_DATA_DIR: dataDir,
        PRONTO_ENV_FILE: envFile,
      })
      try {
        await waitFor(run, 'Stop with Ctrl-C')
        expect(run.output()).toContain(`API        http://127.0.0.1:${apiPort}`)
        expect(parseEnv(await readFile(envFile, 'utf8')).VITE_SUPABASE_URL).toBe(`http://127.0.0.1:${apiPort}`)
        const answer = await fetch(`http://127.0.0.1:${apiPort}/functions/v1/no-such-function`)
        expect(answer.status).toBe(404)
        expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true)

        // Ctrl-C reaches the whole process group; `kill` reaches one process.
        if (signal === 'SIGINT')
          process.kill(-run.child.pid!, signal)
        else
          run.child.kill(signal)
        expect(await run.exited).toBe(0)
        expect(run.output()).toContain(`${signal}: stopping`)
        expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false)
        await expect(fetch(`http://127.0.0.1:${apiPort}/`)).rejects.toThrow()
      }
      finally {
        if (run.child.exitCode === null)
          process.kill(-run.child.pid!, 'SIGKILL')
      }
    }, 90_000)
  }
})
