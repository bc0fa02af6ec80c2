// The function's settings, from its environment (function secrets on Supabase, the stack's env locally).
import type { VapidDetails } from '../_shared/push/send-push.ts'

export interface EscalatorConfig {
  dbUrl: string
  poolSize: number
  supabaseUrl: string | null
  serviceRoleKey: string | null
  /** Null when the VAPID secrets are not all set: alerts are then recorded as pending. */
  vapid: VapidDetails | null
  /** Most leads one step takes per run; the rest wait for the next run. */
  batchLimit: number
}

function whole(text: string | undefined, fallback: number, min: number, max: number): number {
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isInteger(value) && value >= min && value <= max ? value : fallback
}

export function readConfig(env: (name: string) => string | undefined): EscalatorConfig {
  const dbUrl = env('SUPABASE_DB_URL')
  if (!dbUrl)
    throw new Error('SUPABASE_DB_URL is not set')
  const publicKey = env('VAPID_PUBLIC_KEY')
  const privateKey = env('VAPID_PRIVATE_KEY')
  const subject = env('VAPID_SUBJECT')
  return {
    dbUrl,
    // Runs are few and each is one transaction: a small pool, enough for overlapping runs and pushes.
    poolSize: whole(env('SLA_ESCALATOR_DB_POOL_SIZE'), 4, 1, 50),
    supabaseUrl: env('SUPABASE_URL') ?? null,
    serviceRoleKey: env('SUPABASE_SERVICE_ROLE_KEY') ?? null,
    vapid: publicKey && privateKey && subject ? { publicKey, privateKey, subject } : null,
    batchLimit: whole(env('SLA_ESCALATOR_BATCH_LIMIT'), 50_000, 1, 1_000_000),
  }
}
