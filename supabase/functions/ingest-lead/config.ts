// The function's settings, from its environment (function secrets on Supabase, the stack's env locally).
import { readBaseConfig, wholeNumber } from '../_shared/function-env.ts'
import type { BaseFunctionConfig, EnvReader } from '../_shared/function-env.ts'

export interface IngestConfig extends BaseFunctionConfig {
  poolSize: number
  /** Proxies in front of the function that append to X-Forwarded-For (see client.ts). */
  trustedProxyHops: number
}

export function readConfig(env: EnvReader): IngestConfig {
  return {
    ...readBaseConfig(env),
    poolSize: wholeNumber(env('INGEST_DB_POOL_SIZE'), 8, 1, 100),
    trustedProxyHops: wholeNumber(env('INGEST_TRUSTED_PROXY_HOPS'), 0, 0, 10),
  }
}
