// sla-escalator: reminds, breaches, reassigns and escalates leads whose SLA clocks run out, routes
// away the unworked leads of reps who are not there, and reminds reps of due callbacks (see handler.ts).
import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import { createPool } from '../_shared/db/postgres.ts'
import type { PushOutcomeDb } from '../_shared/push/record-push-outcomes.ts'
import { webPushDeps } from '../_shared/push/send-push.ts'
import { readConfig } from './config.ts'
import { handleEscalator } from './handler.ts'
import type { PushSender } from './push-delivery.ts'

const config = readConfig(name => Deno.env.get(name))
const sql = createPool(config.dbUrl, { max: config.poolSize, applicationName: 'sla-escalator' })

let serviceClient: SupabaseClient | undefined
const sender: PushSender | null = config.vapid && config.supabaseUrl && config.serviceRoleKey
  ? {
      vapid: config.vapid,
      deps: webPushDeps,
      db: () => (serviceClient ??= createClient(config.supabaseUrl!, config.serviceRoleKey!, {
        auth: { persistSession: false, autoRefreshToken: false },
      })) as unknown as PushOutcomeDb,
    }
  : null

Deno.serve(request => handleEscalator(request, {
  sql,
  sender,
  batchLimit: config.batchLimit,
  serviceRoleKey: config.serviceRoleKey,
  clock: () => new Date(),
}))
