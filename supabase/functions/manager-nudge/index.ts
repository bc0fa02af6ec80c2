// manager-nudge: a manager's "nudge the owner" from the board (see handler.ts).
import { createClient } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import { createPool } from '../_shared/db/postgres.ts'
import { vapidFromEnv } from '../_shared/function-env.ts'
import type { PushOutcomeDb } from '../_shared/push/record-push-outcomes.ts'
import { webPushDeps } from '../_shared/push/send-push.ts'
import { deliverPushes } from '../sla-escalator/push-delivery.ts'
import type { PushSender } from '../sla-escalator/push-delivery.ts'
import { handleNudge } from './handler.ts'
import type { NudgeLead, RecordedNudge } from './handler.ts'

function required(name: string): string {
  const value = Deno.env.get(name)
  if (!value)
    throw new Error(`${name} is not set`)
  return value
}

const supabaseUrl = required('SUPABASE_URL')
const anonKey = required('SUPABASE_ANON_KEY')
const serviceRoleKey = required('SUPABASE_SERVICE_ROLE_KEY')
const sql = createPool(required('SUPABASE_DB_URL'), { max: 4, applicationName: 'manager-nudge' })
const vapid = vapidFromEnv(name => Deno.env.get(name))

let serviceClient: SupabaseClient | undefined
const sender: PushSender | null = vapid
  ? {
      vapid,
      deps: webPushDeps,
      db: () => (serviceClient ??= createClient(supabaseUrl, serviceRoleKey, {
        auth: { persistSession: false, autoRefreshToken: false },
      })) as unknown as PushOutcomeDb,
    }
  : null

/** nudge_lead_owner() as the caller: their JWT, so row-level checks and the manager check apply. */
async function recordNudge(authorization: string, leadId: string, message: string | null): Promise<RecordedNudge> {
  const caller = createClient(supabaseUrl, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: authorization } },
  })
  const { data, error } = await caller.rpc('nudge_lead_owner', { lead_id: leadId, message })
  return error ? { ok: false, code: error.code ?? '', message: error.message } : { ok: true, nudge: data }
}

async function loadLead(leadId: string): Promise<NudgeLead | null> {
  const [lead] = await sql<NudgeLead[]>`
    select l.id, l.org_id,
           coalesce(l.full_name, nullif(concat_ws(' ', l.first_name, l.last_name), ''), l.email, l.phone, 'Lead') as name,
           l.company, l.tier, l.score, l.phone, s.name as source_name, l.created_at, l.sla_due_at
    from public.leads l
    left join public.lead_sources s on s.id = l.source_id
    where l.id = ${leadId}`
  return lead ?? null
}

Deno.serve(request => handleNudge(request, {
  recordNudge,
  loadLead,
  deliver: push => deliverPushes(sql, sender, [push]),
}))
