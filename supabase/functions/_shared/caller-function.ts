// What a function the PWA calls with a signed-in user's JWT (manager-nudge, reassign-lead,
// send-test-push) sets up once per instance: a client acting as the caller, so row-level security
// and the SQL's role checks decide what they may do; the function's own pool; and the push sender,
// which writes outcomes with the service role.
import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import { createPool } from './db/postgres.ts'
import type { Sql } from './db/postgres.ts'
import { vapidFromEnv } from './function-env.ts'
import type { EnvReader } from './function-env.ts'
import type { PushOutcomeDb } from './push/record-push-outcomes.ts'
import { webPushDeps } from './push/send-push.ts'
import type { SendPushDeps, VapidDetails } from './push/send-push.ts'

export interface CallerFunctionContext {
  sql: Sql
  /** Null when the VAPID secrets are not set: pushes are then recorded as pending. */
  sender: { vapid: VapidDetails, deps: SendPushDeps, db: () => PushOutcomeDb } | null
  /** supabase-js acting as the caller whose `Authorization` header this is. */
  asCaller: (authorization: string) => SupabaseClient
}

const noSession = { persistSession: false, autoRefreshToken: false }

export function callerFunctionContext(name: string, env: EnvReader): CallerFunctionContext {
  const required = (variable: string): string => {
    const value = env(variable)
    if (!value)
      throw new Error(`${variable} is not set`)
    return value
  }
  const supabaseUrl = required('SUPABASE_URL')
  const anonKey = required('SUPABASE_ANON_KEY')
  const serviceRoleKey = required('SUPABASE_SERVICE_ROLE_KEY')
  const vapid = vapidFromEnv(env)
  let serviceClient: SupabaseClient | undefined
  return {
    sql: createPool(required('SUPABASE_DB_URL'), { max: 4, applicationName: name }),
    sender: vapid
      ? {
          vapid,
          deps: webPushDeps,
          db: () => (serviceClient ??= createClient(supabaseUrl, serviceRoleKey, { auth: noSession })) as unknown as PushOutcomeDb,
        }
      : null,
    asCaller: authorization => createClient(supabaseUrl, anonKey, { auth: noSession, global: { headers: { Authorization: authorization } } }),
  }
}
