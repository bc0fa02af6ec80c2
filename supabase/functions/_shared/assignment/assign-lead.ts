// Gives a lead to a rep inside the caller's transaction: the team's round robin is locked, the pure
// routing decision is made on what the database says now, and the owner, the SLA clock, the
// round-robin position and an event saying which rule matched and why are written together.
// Used by ingest-lead for new and re-engaged leads and by the SLA escalator to reassign.
import type { JsonValue } from '../domain/lead-input.ts'
import type { RoutingDecision, RoutingLead } from '../domain/routing.ts'
import { routeLead } from '../domain/routing.ts'
import type { Tier } from '../domain/scoring.ts'
import type { Tx } from '../db/postgres.ts'
import type { SlaClock, SlaPolicyRow } from './sla-clock.ts'
import { findSlaPolicy, startSlaClock } from './sla-clock.ts'
import type { AlertMember, TeamRep } from './team-snapshot.ts'
import { loadTeamSnapshot } from './team-snapshot.ts'

export interface AssignOptions {
  now: Date
  /** Why the lead is being (re)assigned, kept in the event: 'new_lead', 're_engaged', 'sla_breached'… */
  reason: string
  /** Reps not to choose unless nobody else is eligible (e.g. the rep who missed the SLA). */
  excludeMemberIds?: readonly string[]
  /** Start a fresh SLA clock for the new owner (default) or leave the lead's clock as it is. */
  sla?: 'restart' | 'keep'
  /** Who acted, for the event; null for the system. */
  actorId?: string | null
}

export interface Assignment {
  leadId: string
  /** The new owner: the chosen rep, or the team's fallback owner; null when nobody. */
  assignedTo: string | null
  /** Nobody eligible: the lead waits in the team's fallback queue. */
  fallback: boolean
  decision: RoutingDecision | null
  status: string
  slaDueAt: Date | null
  /** The chosen rep as routing saw them (null for fallback), e.g. to know their push preferences. */
  rep: TeamRep | null
  /** Who to alert of the lead: the chosen rep, or the fallback queue's active owner. */
  alertMember: AlertMember | null
}

export interface LeadRow {
  id: string
  org_id: string
  team_id: string | null
  source_id: string | null
  tier: Tier
  score: number
  domain: string | null
  country: string | null
  region: string | null
  product_interest: string | null
  language: string | null
  status: string
  assigned_to: string | null
  sla_due_at: Date | null
}

const regionCodePattern = /^[A-Z]{2}-[A-Z0-9]{1,3}$/

/** The lead columns routing reads. */
export type RoutingColumns = Pick<LeadRow, 'domain' | 'country' | 'region' | 'product_interest' | 'language' | 'tier' | 'score'>

export function routingLeadOf(lead: RoutingColumns): RoutingLead {
  return {
    domain: lead.domain,
    country: lead.country,
    regionCode: lead.region !== null && regionCodePattern.test(lead.region) ? lead.region : null,
    productInterest: lead.product_interest,
    language: lead.language,
    tier: lead.tier,
    score: lead.score,
  }
}

export interface AssignmentOutcome {
  assignedTo: string | null
  fallback: boolean
  /** The lead went to a rep routing chose (not to the fallback queue or nobody). */
  toRep: boolean
  event: { type: 'fallback_queued' | 'reassigned' | 'routed' | 'assigned', details: Record<string, unknown> }
}

/**
 * What a routing decision means for a lead `previousOwner` held: its new owner (the chosen rep,
 * else the team's fallback owner) and the event that records it. Pure; assignLead and the SLA
 * escalator's batches both write exactly this.
 */
export function assignmentOutcome(input: {
  previousOwner: string | null
  decision: RoutingDecision | null
  fallbackOwnerId: string | null
  trigger: string
  excludeMemberIds?: readonly string[]
  slaDueAt: Date | null
  slaNote: string | null
}): AssignmentOutcome {
  const { decision, previousOwner } = input
  const fallback = decision?.fallback ?? false
  const assignedTo = decision === null ? null : decision.memberId ?? input.fallbackOwnerId
  const toRep = decision !== null && decision.memberId !== null
  const type = fallback
    ? 'fallback_queued'
    : previousOwner !== null && previousOwner !== assignedTo ? 'reassigned' : assignedTo === null ? 'routed' : 'assigned'
  const details = {
    to: assignedTo,
    from: previousOwner,
    trigger: input.trigger,
    rule: decision?.rule ?? null,
    reason: decision?.reason ?? 'the lead has no team to route it through',
    ...(fallback ? { fallback_owner: assignedTo } : {}),
    ...(input.excludeMemberIds?.length ? { excluded: input.excludeMemberIds } : {}),
    sla_due_at: input.slaDueAt?.toISOString() ?? null,
    ...(input.slaNote !== null ? { sla_note: input.slaNote } : {}),
  }
  return { assignedTo, fallback, toRep, event: { type, details } }
}

/** The lead as assignment reads it: a stored row, or a new lead about to be inserted with the plan's columns. */
export type AssignableLead = LeadRow

export interface AssignmentPlan extends AssignmentOutcome {
  decision: RoutingDecision | null
  /** The fresh SLA clock to store, or null to keep the lead's own. */
  clock: SlaClock | null
  slaDueAt: Date | null
  /** The lead's status once assigned. */
  status: string
  rep: TeamRep | null
  alertMember: AlertMember | null
}

/**
 * Locks the lead's team round robin and decides who gets the lead and its SLA clock, writing
 * nothing yet. The team and SLA policy reads go out in one round trip (see loadTeamSnapshot).
 */
export async function planAssignment(tx: Tx, lead: AssignableLead, options: AssignOptions): Promise<AssignmentPlan> {
  const { now } = options
  const policyRead = (): Promise<SlaPolicyRow | null> => findSlaPolicy(tx, { orgId: lead.org_id, sourceId: lead.source_id, tier: lead.tier })
  // The policy is configuration: read ahead of the team's lock, in the same round trip.
  const [policy, team] = lead.team_id === null
    ? [await policyRead(), null]
    : await Promise.all([policyRead(), loadTeamSnapshot(tx, { id: lead.team_id, orgId: lead.org_id }, lead.domain)])
  const clock = policy !== null && (options.sla ?? 'restart') === 'restart' ? startSlaClock(policy, now) : null
  const slaDueAt = clock !== null ? clock.deadlines.dueAt : lead.sla_due_at

  const decision = team === null
    ? null
    : routeLead({
        lead: routingLeadOf(lead),
        rules: team.rules,
        accounts: team.accounts,
        reps: team.reps,
        roundRobin: team.roundRobin,
        now,
        excludeMemberIds: options.excludeMemberIds,
      })
  const outcome = assignmentOutcome({
    previousOwner: lead.assigned_to,
    decision,
    fallbackOwnerId: team?.fallbackOwnerId ?? null,
    trigger: options.reason,
    excludeMemberIds: options.excludeMemberIds,
    slaDueAt,
    slaNote: clock?.note ?? null,
  })
  const rep = outcome.toRep ? team?.reps.find(candidate => candidate.id === decision?.memberId) ?? null : null
  const status = lead.status === 'new' && outcome.toRep ? 'assigned' : lead.status
  // A lead nobody could take still needs a person: the owner of the queue it waits in.
  const alertMember = rep !== null
    ? { id: rep.id, pushWarm: rep.pushWarm }
    : outcome.fallback ? team?.fallbackOwner ?? null : null
  return { ...outcome, decision, clock, slaDueAt, status, rep, alertMember }
}

/** The leads columns a plan sets; for a new lead, insert them with the lead. */
export function assignmentColumns(plan: AssignmentPlan, now: Date): Record<string, unknown> {
  return {
    assigned_to: plan.assignedTo,
    assigned_at: plan.assignedTo === null ? null : now,
    in_fallback_queue: plan.fallback,
    status: plan.status,
    ...(plan.clock === null
      ? {}
      : {
          sla_policy_id: plan.clock.policyId,
          sla_started_at: plan.clock.deadlines.clockStartsAt,
          sla_due_at: plan.clock.deadlines.dueAt,
          sla_state: 'running',
          sla_reminded_at: null,
        }),
  }
}

/**
 * The writes that go with a plan besides the lead's own columns: the team's round-robin position
 * and the event naming the rule and why. Sent right away, in this order, behind whatever the
 * caller sent before (a new lead's insert must go first); await them with the lead's write.
 */
export function recordAssignment(tx: Tx, lead: Pick<AssignableLead, 'id' | 'org_id' | 'team_id'>, plan: AssignmentPlan, options: AssignOptions): Promise<unknown>[] {
  const writes: Promise<unknown>[] = []
  const roundRobin = plan.decision?.roundRobin
  if (roundRobin && lead.team_id !== null) {
    writes.push(tx`
      update public.round_robin_state set last_member_id = ${roundRobin.lastMemberId}, counter = ${roundRobin.counter}
      where team_id = ${lead.team_id}`.execute())
  }
  writes.push(tx`
    insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at, details)
    values (${lead.id}, ${lead.org_id}, ${plan.event.type}, ${options.actorId ?? null}, ${options.now},
            ${tx.json(plan.event.details as JsonValue)})`.execute())
  return writes
}

/**
 * Routes stored lead `leadId` (locked here) through its team's rules and writes the outcome. Must
 * run inside a transaction: the team's round-robin row stays locked until it ends, which is what
 * keeps concurrent assignments from pushing a rep over capacity.
 */
export async function assignLead(tx: Tx, leadId: string, options: AssignOptions): Promise<Assignment> {
  const { now } = options
  const [lead] = await tx<LeadRow[]>`
    select id, org_id, team_id, source_id, tier, score, domain, country, region, product_interest, language,
           status, assigned_to, sla_due_at
    from public.leads where id = ${leadId} for update`
  if (!lead)
    throw new Error(`assignLead: lead ${leadId} does not exist`)
  const plan = await planAssignment(tx, lead, options)
  const { clock } = plan
  await Promise.all([
    tx`
      update public.leads set
        assigned_to = ${plan.assignedTo},
        assigned_at = ${plan.assignedTo === null ? null : now},
        in_fallback_queue = ${plan.fallback},
        status = ${plan.status},
        sla_policy_id = ${clock !== null ? clock.policyId : tx`sla_policy_id`},
        sla_started_at = ${clock !== null ? clock.deadlines.clockStartsAt : tx`sla_started_at`},
        sla_due_at = ${clock !== null ? clock.deadlines.dueAt : tx`sla_due_at`},
        sla_state = ${clock !== null ? 'running' : tx`sla_state`},
        sla_reminded_at = ${clock !== null ? null : tx`sla_reminded_at`}
      where id = ${lead.id}`.execute(),
    ...recordAssignment(tx, lead, plan, options),
  ])
  return { leadId: lead.id, assignedTo: plan.assignedTo, fallback: plan.fallback, decision: plan.decision, status: plan.status, slaDueAt: plan.slaDueAt, rep: plan.rep, alertMember: plan.alertMember }
}
