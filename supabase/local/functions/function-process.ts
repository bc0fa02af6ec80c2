import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { Agent } from 'node:http'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { log } from '../log.ts'
import { denoBinary } from './deno-binary.ts'
import type { EdgeFunction } from './registry.ts'

const hostScript = new URL('./deno-host.ts', import.meta.url)
/** The first boot of a function may download its npm: packages into DENO_DIR. */
const bootTimeoutMs = 120_000
const killGraceMs = 2_000
const bootFailedExitCode = 3

export class BootError extends Error {}

/**
 * One Deno process serving one edge function on a loopback port (see deno-host.ts). Booted on
 * demand; when its source changes it is retired: requests already inside finish, then it exits.
 */
export class FunctionProcess {
  readonly agent = new Agent({ keepAlive: true })
  port = 0
  private child?: ChildProcess
  private exited = false
  private inFlight = 0
  private retired = false

  private constructor(readonly fn: EdgeFunction) {}

  /** Starts Deno on the function and resolves once it listens; rejects with BootError (logged) if it cannot. */
  static async boot(fn: EdgeFunction, env: Record<string, string>): Promise<FunctionProcess> {
    const process_ = new FunctionProcess(fn)
    await process_.start(env)
    return process_
  }

  get alive(): boolean {
    return !this.exited && !this.retired
  }

  /**
   * Marks a request as running inside; call the returned function when it is done. Undefined when
   * the process no longer takes requests (retired or exited): acquire another one.
   */
  enter(): (() => void) | undefined {
    if (!this.alive)
      return undefined
    this.inFlight += 1
    let left = false
    return () => {
      if (left)
        return
      left = true
      this.inFlight -= 1
      if (this.retired && this.inFlight === 0)
        void this.stop()
    }
  }

  /** No new requests; stops once the running ones have finished. */
  retire(): void {
    this.retired = true
    if (this.inFlight === 0)
      void this.stop()
  }

  async stop(): Promise<void> {
    this.retired = true
    this.agent.destroy()
    const child = this.child
    if (!child || this.exited)
      return
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), killGraceMs)
    await exited
    clearTimeout(timer)
  }

  private start(env: Record<string, string>): Promise<void> {
    const { fn } = this
    const readyToken = randomUUID()
    const args = ['run', '--allow-all', '--no-prompt', '--no-lock']
    // A deno.json is a whole config (imports, scopes, nodeModulesDir); anything else is a bare import map.
    if (!fn.importMap)
      args.push('--no-config')
    else if (/^deno\.jsonc?$/.test(path.basename(fn.importMap)))
      args.push(`--config=${fn.importMap}`)
    else
      args.push(`--import-map=${fn.importMap}`)
    args.push(fileURLToPath(hostScript))

    const started = performance.now()
    const child = spawn(denoBinary(), args, {
      cwd: fn.dir,
      env: { ...env, PRONTO_FUNCTION_ENTRYPOINT: pathToFileURL(fn.entrypoint).href, PRONTO_FUNCTION_READY_TOKEN: readyToken },
      // Own process group: a terminal's Ctrl-C reaches the stack, which stops us in order.
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    this.child = child
    const service = `fn:${fn.name}`
    const bootOutput: string[] = []

    return new Promise<void>((resolve, reject) => {
      let booted = false
      const fail = (message: string) => {
        if (booted)
          return
        booted = true
        clearTimeout(timer)
        const detail = bootOutput.join('\n').trim()
        log.error(service, `failed to boot: ${message}${detail ? `\n${detail}` : ''}`)
        void this.stop()
        reject(new BootError(message))
      }
      const timer = setTimeout(() => fail(`not listening after ${bootTimeoutMs / 1000}s`), bootTimeoutMs)

      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!booted && line.startsWith(`${readyToken} `)) {
          booted = true
          clearTimeout(timer)
          this.port = Number(line.slice(readyToken.length + 1))
          log.debug(service, `booted in ${(performance.now() - started).toFixed(0)}ms (pid ${child.pid})`)
          resolve()
          return
        }
        log.info(service, line)
      })
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (booted) {
          log.info(service, line)
          return
        }
        // Shown with the error if the boot fails (Deno's own download lines included).
        bootOutput.push(line)
        log.debug(service, line)
      })
      child.on('error', error => fail(`cannot start Deno: ${error.message}`))
      child.on('exit', (code, signal) => {
        this.exited = true
        this.agent.destroy()
        if (!booted)
          fail(code === bootFailedExitCode ? 'the function threw while loading' : `Deno exited (${signal ?? `code ${code}`})`)
        else if (!this.retired)
          log.error(service, `exited unexpectedly (${signal ?? `code ${code}`}); the next request boots it again`)
      })
      // Closing our end of stdin is how the host learns we are gone.
      child.stdin!.on('error', () => {})
    })
  }
}
