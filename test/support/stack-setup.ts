import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { startStack } from '../../supabase/local/stack.ts'

/** What stack tests get from `inject('stack')`: where the throwaway stack listens and its keys. */
export interface StackInfo {
  apiUrl: string
  dbUrl: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo
  }
}

/** Global setup: one throwaway stack (fresh database, free ports) per test run. */
export default async function setup(project: TestProject) {
  process.env.PRONTO_LOG ??= 'quiet'
  const dataRoot = await mkdtemp(path.join(tmpdir(), 'pronto-test-'))
  const stack = await startStack({ dataDir: path.join(dataRoot, 'db'), apiPort: 0, dbPort: 0, reset: true })
  project.provide('stack', {
    apiUrl: stack.apiUrl,
    dbUrl: stack.dbUrl,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
  })
  return async () => {
    await stack.stop()
    await rm(dataRoot, { recursive: true, force: true })
  }
}
