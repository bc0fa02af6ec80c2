// POST /functions/v1/manager-nudge {"lead_id": "<uuid>", "message": "<optional text>"}: a manager
// asks a lead's owner to act on it now. The 'nudged' event is written by nudge_lead_owner() as
// the caller, so the database decides who may nudge; then the owner's devices get a push and its
// outcome lands in the lead's events too.
import { appCorsHeaders } from '../_shared/cors.ts'
import type { LeadPushPayload } from '../_shared/push/payload.ts'
import type { PlannedPush } from '../sla-escalator/push-plan.ts'
import type { PushTally } from '../sla-escalator/push-delivery.ts'

export interface Nudge {
  event_id: number
  lead_id: string
  owner_id: string
  occurred_at: string
}

/** What nudge_lead_owner() answered: the nudge, or the refusal with its SQLSTATE. */
export type RecordedNudge = { ok: true, nudge: Nudge } | { ok: false, code: string, message: string }

/** The lead as the push shows it. */
export interface NudgeLead {
  id: string
  org_id: string
  name: string
  company: string | null
  tier: LeadPushPayload['tier']
  score: number
  phone: string | null
  source_name: string | null
  created_at: Date
  sla_due_at: Date | null
}

export interface NudgeDeps {
  recordNudge: (authorization: string, leadId: string, message: string | null) => Promise<RecordedNudge>
  loadLead: (leadId: string) => Promise<NudgeLead | null>
  deliver: (push: PlannedPush) => Promise<PushTally>
}

/** How the push went: sent to a device, or why not. */
export type PushResult = 'sent' | 'failed' | 'no_subscription' | 'pending'

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...appCorsHeaders, 'content-type': 'application/json', ...headers } })
}

function refusal(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } })
}

// PostgREST's statuses for the SQLSTATEs nudge_lead_owner() raises.
const statusOf: Record<string, number> = { '42501': 403, 'PT404': 404, '22023': 400 }

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

async function readBody(request: Request): Promise<{ leadId: string, message: string | null } | string> {
  let body: unknown
  try {
    body = JSON.parse(await request.text())
  }
  catch {
    return 'The body must be JSON: {"lead_id": "<uuid>", "message": "<optional text>"}'
  }
  const { lead_id: leadId, message } = (body ?? {}) as { lead_id?: unknown, message?: unknown }
  if (typeof leadId !== 'string' || !uuid.test(leadId))
    return 'lead_id: must be a UUID'
  if (message !== undefined && message !== null && typeof message !== 'string')
    return 'message: must be text'
  return { leadId, message: typeof message === 'string' ? message : null }
}

function pushResult(tally: PushTally): PushResult {
  if (tally.sent > 0)
    return 'sent'
  if (tally.pending > 0)
    return 'pending'
  return tally.no_subscription > 0 ? 'no_subscription' : 'failed'
}

export async function handleNudge(request: Request, deps: NudgeDeps): Promise<Response> {
  if (request.method === 'OPTIONS')
    return new Response(null, { status: 204, headers: appCorsHeaders })
  if (request.method !== 'POST')
    return refusal(405, 'method_not_allowed', 'Nudge with POST')
  const authorization = request.headers.get('authorization')
  if (!authorization)
    return refusal(401, 'unauthenticated', 'Sign in as a manager')
  const body = await readBody(request)
  if (typeof body === 'string')
    return refusal(400, 'invalid_body', body)

  const recorded = await deps.recordNudge(authorization, body.leadId, body.message)
  if (!recorded.ok)
    return refusal(statusOf[recorded.code] ?? 500, recorded.code, recorded.message)

  const { nudge } = recorded
  const lead = await deps.loadLead(nudge.lead_id)
  if (lead === null)
    return json(200, { ...nudge, push: 'failed' satisfies PushResult })
  const tally = await deps.deliver({
    memberId: nudge.owner_id,
    orgId: lead.org_id,
    kind: 'nudge',
    slaDueAt: lead.sla_due_at?.toISOString() ?? null,
    score: lead.score,
    payload: {
      kind: 'nudge',
      leadId: lead.id,
      name: lead.name,
      company: lead.company,
      tier: lead.tier,
      source: lead.source_name ?? 'Unknown source',
      waitingSince: lead.created_at.toISOString(),
      phone: lead.phone,
    },
  })
  return json(200, { ...nudge, push: pushResult(tally) })
}
