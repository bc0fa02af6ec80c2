// POST /functions/v1/reassign-lead {"lead_id", "to_member_id", "reason"?}: a manager gives a lead
// to a member of their organization (themselves to take it over). reassign_lead() runs as the
// caller, so the database decides who may reassign what; then the new owner's phone gets a
// 'reassigned' push, recorded in the lead's events like every alert.
import { acceptAppCall, appJson, isUuid, readJsonObject, rpcRefusal } from '../_shared/app-answers.ts'
import { pushLeadPayload } from '../_shared/push/push-lead.ts'
import type { PushLead } from '../_shared/push/push-lead.ts'
import { pushResult } from '../sla-escalator/push-delivery.ts'
import type { PushResult, PushTally } from '../sla-escalator/push-delivery.ts'
import type { PlannedPush } from '../sla-escalator/push-plan.ts'

export interface ReassignRequest {
  leadId: string
  toMemberId: string
  reason: string | null
}

/**
 * What reassign_lead() did: `movedBy` is the caller's member id when this call moved the lead
 * (its 'reassigned' event), null when the lead already was the member's and nothing changed.
 */
export type RecordedReassign = { ok: true, movedBy: string | null } | { ok: false, code: string, message: string }

export interface ReassignDeps {
  reassign: (authorization: string, request: ReassignRequest) => Promise<RecordedReassign>
  loadLead: (leadId: string) => Promise<PushLead | null>
  deliver: (push: PlannedPush) => Promise<PushTally>
}

/** How the new owner was told: a push result, or 'not_needed' (nothing changed, or the caller took it over). */
export type ReassignPush = PushResult | 'not_needed'

async function readBody(request: Request): Promise<ReassignRequest | string> {
  const body = await readJsonObject(request, 'The body must be JSON: {"lead_id": "<uuid>", "to_member_id": "<uuid>", "reason": "<optional text>"}')
  if (typeof body === 'string')
    return body
  const { lead_id: leadId, to_member_id: toMemberId, reason } = body
  if (!isUuid(leadId))
    return 'lead_id: must be a UUID'
  if (!isUuid(toMemberId))
    return 'to_member_id: must be a UUID'
  if (reason !== undefined && reason !== null && typeof reason !== 'string')
    return 'reason: must be text'
  return { leadId, toMemberId, reason: typeof reason === 'string' ? reason : null }
}

export async function handleReassign(request: Request, deps: ReassignDeps): Promise<Response> {
  const call = await acceptAppCall(request, { method: 'Reassign with POST', signIn: 'Sign in as a manager' }, readBody)
  if (call instanceof Response)
    return call
  const { authorization, body } = call

  const recorded = await deps.reassign(authorization, body)
  if (!recorded.ok)
    return rpcRefusal(recorded.code, recorded.message)
  const answer = { lead_id: body.leadId, assigned_to: body.toMemberId }
  // A manager taking a lead over is the one holding the board: no buzz for their own tap.
  if (recorded.movedBy === null || recorded.movedBy === body.toMemberId)
    return appJson(200, { ...answer, push: 'not_needed' satisfies ReassignPush })

  const lead = await deps.loadLead(body.leadId)
  if (lead === null)
    return appJson(200, { ...answer, push: 'failed' satisfies ReassignPush })
  const tally = await deps.deliver({
    memberId: body.toMemberId,
    orgId: lead.org_id,
    kind: 'reassigned',
    slaDueAt: lead.sla_due_at?.toISOString() ?? null,
    score: lead.score,
    payload: pushLeadPayload(lead, 'reassigned'),
  })
  return appJson(200, { ...answer, push: pushResult(tally) satisfies ReassignPush })
}
