import { watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { request } from 'node:http'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { configTomlFile, functionsDir } from '../config.ts'
import { corsHeaders, sendJson } from '../http.ts'
import type { Service } from '../http.ts'
import { bearerToken, verifyJwt } from '../jwt.ts'
import { log } from '../log.ts'
import { functionEnvironment } from './env.ts'
import type { FunctionsContext } from './env.ts'
import { BootError, FunctionProcess } from './function-process.ts'
import { FunctionRegistry, isFunctionFolderName } from './registry.ts'
import type { EdgeFunction, FunctionSource } from './registry.ts'

export interface FunctionsServiceOptions {
  /** Another folder of functions (with its own config.toml), e.g. test fixtures that never deploy. */
  extraFunctionsDir?: string
  /** Extra environment for every function, on top of supabase/functions/.env. */
  env?: Record<string, string>
  /** Restart a function when its files change (default true). */
  watch?: boolean
}

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'])

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)))
}

function clientIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
}

/** The 401 bodies of the edge runtime's router, word for word. */
async function jwtRejection(authorization: string | undefined): Promise<string | undefined> {
  if (!authorization)
    return 'Error: Missing authorization header'
  const token = bearerToken(authorization)
  if (!token)
    return 'Error: Auth header is not \'Bearer {token}\''
  try {
    await verifyJwt(token)
    return undefined
  }
  catch {
    return 'Invalid JWT'
  }
}

/**
 * `/functions/v1/<name>[/sub/path]`: each folder of supabase/functions/ run by real Deno, one process
 * per function so each keeps its own deno.json, booted on first request. `verify_jwt` comes from
 * config.toml; OPTIONS always passes so functions answer CORS preflight themselves.
 */
export function createFunctionsService(context: FunctionsContext, options: FunctionsServiceOptions = {}): Service {
  const sources: FunctionSource[] = [{ dir: functionsDir, configFile: configTomlFile }]
  if (options.extraFunctionsDir)
    sources.push({ dir: options.extraFunctionsDir, configFile: path.join(options.extraFunctionsDir, 'config.toml') })
  const registry = new FunctionRegistry(sources)
  const running = new Map<string, Promise<FunctionProcess>>()
  let closed = false

  /**
   * The function's running process, booting it if needed; concurrent first requests share one boot.
   * A process retired while booting (its files changed) is replaced by a fresh boot.
   */
  async function acquire(fn: EdgeFunction): Promise<FunctionProcess> {
    for (let attempt = 1; ; attempt++) {
      if (closed)
        throw new BootError('the stack is stopping')
      let pending = running.get(fn.name)
      if (!pending) {
        const booting = functionEnvironment(context, options.env).then(env => FunctionProcess.boot(fn, env))
        running.set(fn.name, booting)
        // A failed boot is answered to the requests waiting on it; the next request tries again.
        booting.catch(() => {
          if (running.get(fn.name) === booting)
            running.delete(fn.name)
        })
        pending = booting
      }
      const process_ = await pending
      if (process_.alive)
        return process_
      if (running.get(fn.name) === pending)
        running.delete(fn.name)
      if (attempt === 3)
        throw new BootError(`${fn.name} keeps exiting right after it boots`)
    }
  }

  function retire(names: Set<string> | 'all'): void {
    registry.invalidate()
    for (const [name, process_] of running) {
      if (names !== 'all' && !names.has(name))
        continue
      running.delete(name)
      process_.then(p => p.retire(), () => {})
      log.info('functions', `${name} changed: restarting on next request`)
    }
  }

  const watchers = options.watch === false ? [] : watchSources(sources, retire)

  async function proxy(req: IncomingMessage, res: ServerResponse, process_: FunctionProcess, leave: () => void, target: string): Promise<void> {
    try {
      const forwardedFor = [req.headers['x-forwarded-for'], clientIp(req)].filter(Boolean).join(', ')
      const upstream = request({
        host: '127.0.0.1',
        port: process_.port,
        method: req.method,
        path: target,
        agent: process_.agent,
        headers: {
          ...withoutHopByHop(req.headers),
          'x-forwarded-for': forwardedFor,
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-proto': 'http',
        },
      })
      // A client that hangs up aborts the function's request too (its Request.signal fires).
      res.on('close', () => {
        if (!res.writableFinished)
          upstream.destroy()
      })
      const response = new Promise<IncomingMessage>((resolve, reject) => {
        upstream.once('response', resolve)
        upstream.once('error', reject)
      })
      await Promise.all([pipeline(req, upstream), response.then(async (answer) => {
        res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers))
        await pipeline(answer, res)
      })])
    }
    catch (error) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (req.destroyed || res.destroyed)
        return
      log.error(`fn:${process_.fn.name}`, `request failed: ${(error as Error).message}`)
      sendJson(res, 500, { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' }, corsHeaders(req))
    }
    finally {
      leave()
    }
  }

  return {
    name: 'functions',
    prefix: '/functions/v1',
    async handle(req, res, pathname) {
      const name = pathname.split('/')[1] ?? ''
      const fn = name ? await registry.lookup(name) : undefined
      if (!fn) {
        res.writeHead(404, { 'content-type': 'text/plain', ...corsHeaders(req) })
        res.end('Function not found')
        return
      }
      if (req.method !== 'OPTIONS' && fn.verifyJwt) {
        const rejection = await jwtRejection(req.headers.authorization)
        if (rejection) {
          sendJson(res, 401, { msg: rejection }, corsHeaders(req))
          return
        }
      }
      let process_: FunctionProcess
      let leave: (() => void) | undefined
      try {
        // A process can be retired (its files changed) between boot and this request: take a fresh one.
        do {
          process_ = await acquire(fn)
          leave = process_.enter()
        } while (!leave)
      }
      catch (error) {
        if (!(error instanceof BootError))
          throw error
        sendJson(res, 503, { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' }, corsHeaders(req))
        return
      }
      const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''
      await proxy(req, res, process_, leave, `${pathname}${query}`)
    },
    async close() {
      closed = true
      for (const watcher of watchers)
        watcher.close()
      const processes = await Promise.all([...running.values()].map(p => p.catch(() => undefined)))
      running.clear()
      await Promise.all(processes.map(p => p?.stop()))
    },
  }
}

/**
 * Watches the function folders and their config files. A change inside one function's folder
 * restarts that function; a change anywhere else (`_shared`, config.toml, import maps) restarts all.
 */
function watchSources(sources: FunctionSource[], retire: (names: Set<string> | 'all') => void): FSWatcher[] {
  let pending: Set<string> | 'all' | undefined
  let timer: NodeJS.Timeout | undefined
  const changed = (names: Set<string> | 'all') => {
    pending = pending === 'all' || names === 'all' ? 'all' : new Set([...(pending ?? []), ...names])
    clearTimeout(timer)
    timer = setTimeout(() => {
      const batch = pending!
      pending = undefined
      retire(batch)
    }, 150)
  }
  const watchers: FSWatcher[] = []
  const onError = (error: Error) => log.debug('functions', `file watcher: ${error.message}`)
  for (const source of sources) {
    const onChange = (_event: string, file: string | Buffer | null) => {
      const relative = String(file ?? '')
      // Deno writes caches and lockfiles beside functions; those are not source changes.
      if (/(^|\/)node_modules(\/|$)|\.lock$/.test(relative))
        return
      const [first] = relative.split(path.sep)
      const isFolder = relative.includes(path.sep)
      changed(isFolder && isFunctionFolderName(first) ? new Set([first]) : 'all')
    }
    try {
      watchers.push(watch(source.dir, { recursive: true }, onChange).on('error', onError))
      if (path.dirname(source.configFile) !== source.dir) {
        const configName = path.basename(source.configFile)
        watchers.push(watch(path.dirname(source.configFile), (_event, file) => {
          if (String(file) === configName)
            changed('all')
        }).on('error', onError))
      }
    }
    catch (error) {
      onError(error as Error)
    }
  }
  return watchers
}
