// reassign-lead: a manager's reassign and take-over from the board (see handler.ts).
import { callerFunctionContext } from '../_shared/caller-function.ts'
import { loadPushLead } from '../_shared/push/push-lead.ts'
import { deliverPushes } from '../sla-escalator/push-delivery.ts'
import { handleReassign } from './handler.ts'
import type { ReassignRequest, RecordedReassign } from './handler.ts'

const { sql, sender, asCaller } = callerFunctionContext('reassign-lead', name => Deno.env.get(name))

/**
 * reassign_lead() as the caller (their JWT: the manager check and the organization check stay in
 * SQL). It answers the lead whether or not it moved; the 'reassigned' event it writes when it
 * does, newer than the lead's last event before the call, tells the two apart. Two managers
 * moving the same lead to the same member at once may both see that event: one extra buzz.
 */
async function reassign(authorization: string, request: ReassignRequest): Promise<RecordedReassign> {
  const [{ last }] = await sql<{ last: string }[]>`
    select coalesce(max(id), 0) as last from public.lead_events where lead_id = ${request.leadId}`
  const { error } = await asCaller(authorization).rpc('reassign_lead', {
    lead_id: request.leadId,
    to_member_id: request.toMemberId,
    reason: request.reason,
  })
  if (error)
    return { ok: false, code: error.code ?? '', message: error.message }
  const [event] = await sql<{ actor_id: string | null }[]>`
    select actor_id from public.lead_events
    where lead_id = ${request.leadId} and id > ${last} and type = 'reassigned' and details->>'to' = ${request.toMemberId}
    order by id limit 1`
  return { ok: true, movedBy: event ? event.actor_id ?? '' : null }
}

Deno.serve(request => handleReassign(request, {
  reassign,
  loadLead: leadId => loadPushLead(sql, leadId),
  deliver: push => deliverPushes(sql, sender, [push]),
}))
