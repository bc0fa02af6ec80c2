import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { startStack } from '../../supabase/local/stack.ts'
import { createPushDoubleCaFile } from './push-service-double.ts'
import type { PushDoubleCa } from './push-service-double.ts'

/** What stack tests get from `inject('stack')`: where the throwaway stack listens and its keys. */
export interface StackInfo {
  apiUrl: string
  dbUrl: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
  /** The VAPID public key the stack's functions sign pushes with. */
  vapidPublicKey: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo
    /** CA the edge functions trust (NODE_EXTRA_CA_CERTS): pass it to `startPushServiceDouble({ ca })`. */
    pushDoubleCa: PushDoubleCa
  }
}

/** A secret the test functions' environment carries (test/stack/functions checks it arrives). */
export const fixtureSecret = 'fixture-secret-value'

/** Global setup: one throwaway stack (fresh database, free ports) per test run. */
export default async function setup(project: TestProject) {
  process.env.PRONTO_LOG ??= 'quiet'
  const dataRoot = await mkdtemp(path.join(tmpdir(), 'pronto-test-'))
  // Deno reads NODE_EXTRA_CA_CERTS when a function boots, so the push double's CA must exist first.
  const { ca: pushDoubleCa, file: caFile } = await createPushDoubleCaFile(dataRoot)
  const stack = await startStack({
    dataDir: path.join(dataRoot, 'db'),
    apiPort: 0,
    dbPort: 0,
    reset: true,
    // Tests invoke scheduled functions by hand (with an injected clock); see test/stack/functions.
    scheduler: false,
    watchFunctions: false,
    extraFunctionsDir: fileURLToPath(new URL('../fixtures/functions', import.meta.url)),
    functionEnv: { NODE_EXTRA_CA_CERTS: caFile, FIXTURE_SECRET: fixtureSecret },
  })
  project.provide('stack', {
    apiUrl: stack.apiUrl,
    dbUrl: stack.dbUrl,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    vapidPublicKey: stack.vapidPublicKey,
  })
  project.provide('pushDoubleCa', pushDoubleCa)
  return async () => {
    await stack.stop()
    await rm(dataRoot, { recursive: true, force: true })
  }
}
