// The function's settings, from its environment (function secrets on Supabase, the stack's env locally).
import { readBaseConfig, wholeNumber } from '../_shared/function-env.ts'
import type { BaseFunctionConfig, EnvReader } from '../_shared/function-env.ts'

export interface EscalatorConfig extends BaseFunctionConfig {
  poolSize: number
  /** Most leads one step takes per run; the rest wait for the next run. */
  batchLimit: number
}

export function readConfig(env: EnvReader): EscalatorConfig {
  return {
    ...readBaseConfig(env),
    // Runs are few and each is one transaction: a small pool, enough for overlapping runs and pushes.
    poolSize: wholeNumber(env('SLA_ESCALATOR_DB_POOL_SIZE'), 4, 1, 50),
    batchLimit: wholeNumber(env('SLA_ESCALATOR_BATCH_LIMIT'), 50_000, 1, 1_000_000),
  }
}
