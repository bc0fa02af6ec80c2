import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { preview } from 'vite'
import type { TestProject } from 'vitest/node'
import { repoRoot, stateDir } from '../../supabase/local/config.ts'
import { freePort } from '../../supabase/local/stack.ts'
import type { StackInfo } from './stack-setup.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the production-built PWA served for this run, pointed at the run's stack. */
    appUrl: string
  }
}

const run = promisify(execFile)

/** The parts of a stack the built app is pointed at. */
export type AppStack = Pick<StackInfo, 'apiUrl' | 'anonKey' | 'vapidPublicKey'>

/**
 * Builds the PWA for the given stack into `outDir`. A separate process, because vitest's NODE_ENV=test
 * would make an in-process build a development build; VITE_* values in the environment take
 * priority over .env.local, which points at the developer's own stack. `extraArgs` go to `vite build`
 * (e.g. `--manifest`).
 */
export async function buildApp(outDir: string, stack: AppStack, extraArgs: string[] = []): Promise<void> {
  const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js')
  try {
    await run(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn', ...extraArgs], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        VITE_SUPABASE_URL: stack.apiUrl,
        VITE_SUPABASE_ANON_KEY: stack.anonKey,
        VITE_VAPID_PUBLIC_KEY: stack.vapidPublicKey,
      },
      maxBuffer: 16 * 1024 * 1024,
    })
  }
  catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string, stderr?: string }
    throw new Error(`Building the app failed:\n${stdout}${stderr}`, { cause: error })
  }
}

export interface ServedApp {
  url: string
  close: () => Promise<void>
}

/** Serves a built app with `vite preview` (SPA fallback, as hosting does) on a free port. */
export async function serveApp(outDir: string): Promise<ServedApp> {
  const port = await freePort()
  const server = await preview({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true },
  })
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // Browsers keep connections alive; drop them so the server (and vitest) can exit at once.
      const http = server.httpServer as { closeAllConnections?: () => void }
      http.closeAllConnections?.()
      await server.close()
    },
  }
}

/**
 * Global setup of the `browser` project, run after stack-setup.ts: builds the app against the
 * run's stack and serves it.
 */
export default async function setup(project: TestProject) {
  const { stack } = project.getProvidedContext()
  if (!stack)
    throw new Error('app-setup.ts needs the stack: list test/support/stack-setup.ts before it in globalSetup.')

  await mkdir(stateDir, { recursive: true })
  const outDir = await mkdtemp(path.join(stateDir, 'test-dist-'))
  await buildApp(outDir, stack)

  const app = await serveApp(outDir)
  project.provide('appUrl', app.url)

  return async () => {
    await app.close()
    await rm(outDir, { recursive: true, force: true })
  }
}
