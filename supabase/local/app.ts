import { build, createServer, preview } from 'vite'
import { repoRoot } from './config.ts'

export interface AppServer {
  url: string
  close: () => Promise<void>
}

const host = '127.0.0.1'
const common = { root: repoRoot, clearScreen: false } as const

/** Production build of the PWA (service worker included) into dist/, reading .env.local like `vite build`. */
export async function buildApp(): Promise<void> {
  await build({ ...common, mode: 'production', logLevel: 'warn' })
}

/** Serves dist/ the way `vite preview` does, so the service worker and offline shell work. */
export async function serveBuiltApp(port: number): Promise<AppServer> {
  const server = await preview({ ...common, preview: { host, port, strictPort: true } })
  return { url: `http://${host}:${port}`, close: () => server.close() }
}

/** Vite's dev server with hot module replacement. */
export async function startDevServer(port: number): Promise<AppServer> {
  const server = await createServer({ ...common, server: { host, port, strictPort: true } })
  await server.listen()
  return { url: `http://${host}:${port}`, close: () => server.close() }
}
