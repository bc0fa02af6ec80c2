// manager-nudge: a manager's "nudge the owner" from the board (see handler.ts).
import { callerFunctionContext } from '../_shared/caller-function.ts'
import { loadPushLead } from '../_shared/push/push-lead.ts'
import { deliverPushes } from '../sla-escalator/push-delivery.ts'
import { handleNudge } from './handler.ts'
import type { RecordedNudge } from './handler.ts'

const { sql, sender, asCaller } = callerFunctionContext('manager-nudge', name => Deno.env.get(name))

/** nudge_lead_owner() as the caller: their JWT, so row-level checks and the manager check apply. */
async function recordNudge(authorization: string, leadId: string, message: string | null): Promise<RecordedNudge> {
  const { data, error } = await asCaller(authorization).rpc('nudge_lead_owner', { lead_id: leadId, message })
  return error ? { ok: false, code: error.code ?? '', message: error.message } : { ok: true, nudge: data }
}

Deno.serve(request => handleNudge(request, {
  recordNudge,
  loadLead: leadId => loadPushLead(sql, leadId),
  deliver: push => deliverPushes(sql, sender, [push]),
}))
