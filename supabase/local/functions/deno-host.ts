/**
 * Runs under Deno, one process per edge function, standing in for a Supabase edge-runtime worker.
 * It imports the function's entrypoint while capturing the handler the function gives `Deno.serve`
 * (or its `export default { fetch }`), then serves that handler on a loopback port of its own and
 * prints `<ready token> <port>` on stdout. The Node side (function-process.ts) proxies to it.
 *
 * The Deno API is reached through a narrow typed view so this file type-checks under Node's
 * TypeScript settings too (it lives beside the Node code of the stack).
 */

// A module (top-level await below), with nothing to export.
export {}

type Handler = (request: Request, info: unknown) => Response | Promise<Response>

interface ServeOptions {
  handler?: Handler
  onError?: (error: unknown) => Response | Promise<Response>
}

interface DenoApi {
  serve: (...args: unknown[]) => unknown
  env: { get: (name: string) => string | undefined, delete: (name: string) => void }
  exit: (code?: number) => never
  stdin: { readable: ReadableStream<Uint8Array> }
}

const deno = (globalThis as unknown as { Deno: DenoApi }).Deno

/** Exit code that tells the Node side the function failed to boot (its error is on stderr). */
const bootFailed = 3

function takeEnv(name: string): string {
  const value = deno.env.get(name)
  if (!value) {
    console.error(`deno-host: ${name} is not set`)
    return deno.exit(bootFailed)
  }
  // The function must not see the host's private settings.
  deno.env.delete(name)
  return value
}

const entrypoint = takeEnv('PRONTO_FUNCTION_ENTRYPOINT')
const readyToken = takeEnv('PRONTO_FUNCTION_READY_TOKEN')

const workerError = () => new Response(
  JSON.stringify({ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' }),
  { status: 500, headers: { 'content-type': 'application/json' } },
)

// Deno.serve(handler) | Deno.serve(options, handler) | Deno.serve({ ...options, handler })
let captured: { handler: Handler, onError?: ServeOptions['onError'] } | undefined
const realServe = deno.serve.bind(deno)
deno.serve = (...args: unknown[]) => {
  const [first, second] = args
  const options = (typeof first === 'object' && first !== null ? first : {}) as ServeOptions
  const handler = typeof first === 'function' ? first : typeof second === 'function' ? second : options.handler
  if (typeof handler !== 'function')
    throw new TypeError('Deno.serve was called without a handler')
  if (captured)
    throw new Error('Deno.serve was called twice: an edge function serves one handler')
  captured = { handler: handler as Handler, onError: options.onError }
  // The runtime owns the real server; the function gets an inert stand-in.
  return {
    finished: new Promise<void>(() => {}),
    addr: { transport: 'tcp', hostname: '127.0.0.1', port: 0 },
    ref: () => {},
    unref: () => {},
    shutdown: async () => {},
  }
}

// Supabase's runtime global for background work that outlives the response.
;(globalThis as Record<string, unknown>).EdgeRuntime = {
  waitUntil: (promise: Promise<unknown>) => {
    promise.catch(error => console.error('EdgeRuntime.waitUntil task failed:', error))
  },
}

// A stray rejection or timer error is logged; the process keeps serving (as `functions serve` does).
globalThis.addEventListener('unhandledrejection', (event) => {
  event.preventDefault()
  console.error('Uncaught (in promise)', (event as PromiseRejectionEvent).reason)
})
globalThis.addEventListener('error', (event) => {
  event.preventDefault()
  console.error('Uncaught', (event as ErrorEvent).error)
})

try {
  const module = await import(entrypoint) as { default?: { fetch?: Handler } }
  if (!captured && typeof module.default?.fetch === 'function')
    captured = { handler: module.default.fetch.bind(module.default) }
  if (!captured)
    throw new Error('the function neither called Deno.serve nor exported a default { fetch } handler')
}
catch (error) {
  console.error('Worker failed to boot:', error)
  deno.exit(bootFailed)
}

const { handler, onError } = captured!
realServe({
  hostname: '127.0.0.1',
  port: 0,
  onListen: ({ port }: { port: number }) => console.log(`${readyToken} ${port}`),
}, async (request: Request, info: unknown) => {
  try {
    const response = await handler(request, info)
    if (!(response instanceof Response))
      throw new TypeError('the handler did not return a Response')
    return response
  }
  catch (error) {
    console.error(error)
    if (onError) {
      try {
        return await onError(error)
      }
      catch (secondError) {
        console.error(secondError)
      }
    }
    return workerError()
  }
})

// The Node side holds our stdin open; when it goes away (even killed), so do we: no orphans.
void (async () => {
  const reader = deno.stdin.readable.getReader()
  while (!(await reader.read()).done) { /* drain */ }
  deno.exit(0)
})()
