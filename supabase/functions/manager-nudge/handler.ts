// POST /functions/v1/manager-nudge {"lead_id": "<uuid>", "message": "<optional text>"}: a manager
// asks a lead's owner to act on it now. The 'nudged' event is written by nudge_lead_owner() as
// the caller, so the database decides who may nudge; then the owner's devices get a push and its
// outcome lands in the lead's events too.
import { acceptAppCall, appJson, isUuid, readJsonObject, rpcRefusal } from '../_shared/app-answers.ts'
import { pushLeadPayload } from '../_shared/push/push-lead.ts'
import type { PushLead } from '../_shared/push/push-lead.ts'
import type { PlannedPush } from '../sla-escalator/push-plan.ts'
import { pushResult } from '../sla-escalator/push-delivery.ts'
import type { PushResult, PushTally } from '../sla-escalator/push-delivery.ts'

export interface Nudge {
  event_id: number
  lead_id: string
  owner_id: string
  occurred_at: string
}

/** What nudge_lead_owner() answered: the nudge, or the refusal with its SQLSTATE. */
export type RecordedNudge = { ok: true, nudge: Nudge } | { ok: false, code: string, message: string }

export interface NudgeDeps {
  recordNudge: (authorization: string, leadId: string, message: string | null) => Promise<RecordedNudge>
  loadLead: (leadId: string) => Promise<PushLead | null>
  deliver: (push: PlannedPush) => Promise<PushTally>
}

async function readBody(request: Request): Promise<{ leadId: string, message: string | null } | string> {
  const body = await readJsonObject(request, 'The body must be JSON: {"lead_id": "<uuid>", "message": "<optional text>"}')
  if (typeof body === 'string')
    return body
  const { lead_id: leadId, message } = body
  if (!isUuid(leadId))
    return 'lead_id: must be a UUID'
  if (message !== undefined && message !== null && typeof message !== 'string')
    return 'message: must be text'
  return { leadId, message: typeof message === 'string' ? message : null }
}

export async function handleNudge(request: Request, deps: NudgeDeps): Promise<Response> {
  const call = await acceptAppCall(request, { method: 'Nudge with POST', signIn: 'Sign in as a manager' }, readBody)
  if (call instanceof Response)
    return call
  const { authorization, body } = call

  const recorded = await deps.recordNudge(authorization, body.leadId, body.message)
  if (!recorded.ok)
    return rpcRefusal(recorded.code, recorded.message)

  const { nudge } = recorded
  const lead = await deps.loadLead(nudge.lead_id)
  if (lead === null)
    return appJson(200, { ...nudge, push: 'failed' satisfies PushResult })
  const tally = await deps.deliver({
    memberId: nudge.owner_id,
    orgId: lead.org_id,
    kind: 'nudge',
    slaDueAt: lead.sla_due_at?.toISOString() ?? null,
    score: lead.score,
    payload: pushLeadPayload(lead, 'nudge'),
  })
  return appJson(200, { ...nudge, push: pushResult(tally) })
}
