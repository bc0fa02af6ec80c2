// Settings every Pronto function reads from its environment (function secrets on Supabase,
// the stack's env locally), so each function's config module only adds its own.
import type { VapidDetails } from './push/send-push.ts'

export type EnvReader = (name: string) => string | undefined

export interface BaseFunctionConfig {
  dbUrl: string
  supabaseUrl: string | null
  serviceRoleKey: string | null
  /** Null when the VAPID secrets are not all set: alerts are then recorded as pending. */
  vapid: VapidDetails | null
}

/** An integer setting within [min, max]; anything else (unset, junk, out of range) gives the fallback. */
export function wholeNumber(text: string | undefined, fallback: number, min: number, max: number): number {
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isInteger(value) && value >= min && value <= max ? value : fallback
}

export function vapidFromEnv(env: EnvReader): VapidDetails | null {
  const publicKey = env('VAPID_PUBLIC_KEY')
  const privateKey = env('VAPID_PRIVATE_KEY')
  const subject = env('VAPID_SUBJECT')
  return publicKey && privateKey && subject ? { publicKey, privateKey, subject } : null
}

export function readBaseConfig(env: EnvReader): BaseFunctionConfig {
  const dbUrl = env('SUPABASE_DB_URL')
  if (!dbUrl)
    throw new Error('SUPABASE_DB_URL is not set')
  return {
    dbUrl,
    supabaseUrl: env('SUPABASE_URL') ?? null,
    serviceRoleKey: env('SUPABASE_SERVICE_ROLE_KEY') ?? null,
    vapid: vapidFromEnv(env),
  }
}
