// The function's settings, from its environment (function secrets on Supabase, the stack's env locally).
import type { VapidDetails } from '../_shared/push/send-push.ts'

export interface IngestConfig {
  dbUrl: string
  poolSize: number
  supabaseUrl: string | null
  serviceRoleKey: string | null
  /** Null when the VAPID secrets are not all set: alerts are then recorded as pending. */
  vapid: VapidDetails | null
  trustedProxyHops: number
}

function whole(text: string | undefined, fallback: number, min: number, max: number): number {
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isInteger(value) && value >= min && value <= max ? value : fallback
}

export function readConfig(env: (name: string) => string | undefined): IngestConfig {
  const dbUrl = env('SUPABASE_DB_URL')
  if (!dbUrl)
    throw new Error('SUPABASE_DB_URL is not set')
  const publicKey = env('VAPID_PUBLIC_KEY')
  const privateKey = env('VAPID_PRIVATE_KEY')
  const subject = env('VAPID_SUBJECT')
  return {
    dbUrl,
    poolSize: whole(env('INGEST_DB_POOL_SIZE'), 8, 1, 100),
    supabaseUrl: env('SUPABASE_URL') ?? null,
    serviceRoleKey: env('SUPABASE_SERVICE_ROLE_KEY') ?? null,
    vapid: publicKey && privateKey && subject ? { publicKey, privateKey, subject } : null,
    trustedProxyHops: whole(env('INGEST_TRUSTED_PROXY_HOPS'), 0, 0, 10),
  }
}
