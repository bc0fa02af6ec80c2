// The pushes a step decides on inside its transaction, sent only once that has committed.
import type { LeadPushKind, LeadPushPayload } from '../_shared/push/payload.ts'
import { isoText } from './iso-text.ts'
import type { WorkLead } from './lead-work.ts'

export interface PlannedPush {
  memberId: string
  orgId: string
  kind: LeadPushKind
  payload: LeadPushPayload
  /** Bounds the push's TTL (ISO); null for the longest allowed. */
  slaDueAt: string | null
  /** The lead's score: with its tier, which of a member's pushes go first. */
  score: number
}

/** A push about `lead` to `memberId`. */
export function planPush(lead: WorkLead, memberId: string, kind: LeadPushKind, slaDueAt: Date | null): PlannedPush {
  return {
    memberId,
    orgId: lead.org_id,
    kind,
    slaDueAt: slaDueAt === null ? null : isoText(slaDueAt),
    score: lead.score,
    payload: {
      kind,
      leadId: lead.id,
      name: lead.full_name ?? lead.email ?? lead.phone ?? 'Lead',
      company: lead.company,
      tier: lead.tier,
      source: lead.source_name ?? 'Unknown source',
      waitingSince: isoText(lead.waiting_since),
      phone: lead.phone,
    },
  }
}

/** The escalation alert for the lead's team manager, if the team has an active one. */
export function managerPush(lead: WorkLead, slaDueAt: Date | null): PlannedPush[] {
  return lead.manager_id === null ? [] : [planPush(lead, lead.manager_id, 'escalation', slaDueAt)]
}

/**
 * The alerts of a lead escalated to its team's fallback owner, both held until `deadline`: the
 * manager's, and the fallback owner's when that is someone else (now the lead's owner: told it is
 * theirs, or, when it already was, that it escalated).
 */
export function escalationPushes(lead: WorkLead, deadline: Date): PlannedPush[] {
  const owner = lead.fallback_owner_id
  const ownerPush = owner === null || owner === lead.manager_id
    ? []
    : [planPush(lead, owner, owner === lead.assigned_to ? 'escalation' : 'reassigned', deadline)]
  return [...managerPush(lead, deadline), ...ownerPush]
}
