// ingest-lead: web forms, landing pages and webhooks post leads here (see handler.ts).
import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import { createPool } from '../_shared/db/postgres.ts'
import { webPushDeps } from '../_shared/push/send-push.ts'
import { readConfig } from './config.ts'
import { handleIngest } from './handler.ts'
import type { AlertSender } from './lead-alert.ts'

const config = readConfig(name => Deno.env.get(name))
const sql = createPool(config.dbUrl, { max: config.poolSize, applicationName: 'ingest-lead' })

let serviceClient: SupabaseClient | undefined
const sender: AlertSender | null = config.vapid && config.supabaseUrl && config.serviceRoleKey
  ? {
      vapid: config.vapid,
      deps: webPushDeps,
      db: () => serviceClient ??= createClient(config.supabaseUrl!, config.serviceRoleKey!, {
        auth: { persistSession: false, autoRefreshToken: false },
      }),
    }
  : null

const runtime = (globalThis as { EdgeRuntime?: { waitUntil: (work: Promise<unknown>) => void } }).EdgeRuntime

Deno.serve(request => handleIngest(request, {
  sql,
  now: () => new Date(),
  sender,
  trustedProxyHops: config.trustedProxyHops,
  background: work => runtime ? runtime.waitUntil(work) : void work,
}))
