// POST /functions/v1/reassign-lead {"lead_id", "to_member_id", "reason"?}: a manager gives a lead
// to a member of their organization (themselves to take it over). reassign_lead() runs as the
// caller, so the database decides who may reassign what; then the new owner's phone gets a
// 'reassigned' push, recorded in the lead's events like every alert.
import { appJson, appRefusal, preflight, rpcRefusal } from '../_shared/app-answers.ts'
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

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

async function readBody(request: Request): Promise<ReassignRequest | string> {
  let body: unknown
  try {
    body = JSON.parse(await request.text())
  }
  catch {
    return 'The body must be JSON: {"lead_id": "<uuid>", "to_member_id": "<uuid>", "reason": "<optional text>"}'
  }
  const { lead_id: leadId, to_member_id: toMemberId, reason } = (body ?? {}) as Record<string, unknown>
  if (typeof leadId !== 'string' || !uuid.test(leadId))
    return 'lead_id: must be a UUID'
  if (typeof toMemberId !== 'string' || !uuid.test(toMemberId))
    return 'to_member_id: must be a UUID'
  if (reason !== undefined && reason !== null && typeof reason !== 'string')
    return 'reason: must be text'
  return { leadId, toMemberId, reason: typeof reason === 'string' ? reason : null }
}

export async function handleReassign(request: Request, deps: ReassignDeps): Promise<Response> {
  const corsAnswer = preflight(request)
  if (corsAnswer)
    return corsAnswer
  if (request.method !== 'POST')
    return appRefusal(405, 'method_not_allowed', 'Reassign with POST')
  const authorization = request.headers.get('authorization')
  if (!authorization)
    return appRefusal(401, 'unauthenticated', 'Sign in as a manager')
  const body = await readBody(request)
  if (typeof body === 'string')
    return appRefusal(400, 'invalid_body', body)

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
