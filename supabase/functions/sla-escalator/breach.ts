// Step 2 of the ladder: a clock that ran out with no contact attempt is breached. The lead is
// routed again through its team's rules to another eligible rep (the one who missed it only if
// nobody else can take it), with a fresh clock under its policy for the new owner, and the
// team's manager is alerted. Once per clock: only running clocks breach, and this leaves it breached.
import { startSlaClock } from '../_shared/assignment/sla-clock.ts'
import type { SlaClock } from '../_shared/assignment/sla-clock.ts'
import { appendEvents } from './events.ts'
import type { LeadEvent } from './events.ts'
import { escalateAt, ladderTerms } from './ladder-times.ts'
import { LADDER_STATUSES, loadPolicies, withTeamsAndSources, workLeadColumns } from './lead-work.ts'
import type { SelectedLead, WorkLead } from './lead-work.ts'
import { managerPush, planPush } from './push-plan.ts'
import type { PlannedPush } from './push-plan.ts'
import { assignNewLeads, rerouteEvent, rerouteLeads } from './reassign.ts'
import type { Rerouted } from './reassign.ts'
import type { StepContext, StepOutcome } from './step.ts'

export interface BreachCounts extends Record<string, number> {
  breached: number
  /** Given to another rep. */
  reassigned: number
  /** Nobody else was eligible: the rep who missed it keeps it, with a fresh clock. */
  kept: number
  /** Nobody was eligible: waiting in the team's fallback queue. */
  fallback_queued: number
  /** No team to route it through: breached where it is. */
  unrouted: number
}

interface Breach {
  lead: WorkLead & { sla_due_at: Date }
  clock: SlaClock | null
  escalateAt: Date
  rerouted: Rerouted | null
}

function ownerRow(breach: Breach) {
  const { lead, clock, rerouted } = breach
  const outcome = rerouted?.outcome
  return {
    id: lead.id,
    rerouted: outcome !== undefined,
    assigned_to: outcome?.assignedTo ?? null,
    fallback: outcome?.fallback ?? false,
    to_rep: outcome?.toRep ?? false,
    // A fresh clock only for a lead that was routed again: there is a new (or renewed) owner.
    clock_starts_at: outcome && clock ? clock.deadlines.clockStartsAt.toISOString() : null,
    due_at: outcome && clock ? clock.deadlines.dueAt.toISOString() : null,
  }
}

function pushesOf(breach: Breach): PlannedPush[] {
  const { lead, clock, rerouted } = breach
  const owner = rerouted?.outcome.toRep ? rerouted.outcome.assignedTo : null
  const ownerPush = owner === null
    ? []
    : [planPush(lead, owner, owner === lead.assigned_to ? 'sla_reminder' : 'reassigned', clock?.deadlines.dueAt ?? null)]
  // The manager's alert matters until the lead escalates to the fallback queue.
  return [...ownerPush, ...managerPush(lead, breach.escalateAt)]
}

function eventsOf(breach: Breach, now: Date): LeadEvent[] {
  const { lead } = breach
  const breached: LeadEvent = {
    lead_id: lead.id,
    org_id: lead.org_id,
    type: 'breached',
    occurred_at: now,
    details: {
      owner: lead.assigned_to,
      sla_due_at: lead.sla_due_at.toISOString(),
      escalate_at: breach.escalateAt.toISOString(),
      late_by_seconds: Math.max(0, Math.round((now.getTime() - lead.sla_due_at.getTime()) / 1000)),
      manager: lead.manager_id,
    },
  }
  return breach.rerouted === null ? [breached] : [breached, rerouteEvent(breach.rerouted, now)]
}

export async function breachDueLeads({ tx, now, limit }: StepContext): Promise<StepOutcome<BreachCounts>> {
  const counts: BreachCounts = { breached: 0, reassigned: 0, kept: 0, fallback_queued: 0, unrouted: 0 }
  const selected = await tx<Array<SelectedLead & { sla_due_at: Date }>>`
    select ${workLeadColumns(tx)}
    from public.leads l
    where l.sla_state = 'running' and l.sla_due_at <= ${now}
      and l.status in ${tx(LADDER_STATUSES)} and not l.is_spam
    order by l.sla_due_at
    limit ${limit}
    for update of l skip locked`
  if (selected.length === 0)
    return { counts, pushes: [] }

  const leads = await withTeamsAndSources(tx, selected)
  const policies = await loadPolicies(tx, leads)
  const breaches: Breach[] = leads.map((lead) => {
    const policy = policies.get(lead.sla_policy_id ?? '') ?? null
    const terms = ladderTerms(policy, { startedAt: lead.sla_started_at ?? lead.sla_due_at, dueAt: lead.sla_due_at })
    return { lead, clock: policy === null ? null : startSlaClock(policy, now), escalateAt: escalateAt(terms, lead.sla_due_at), rerouted: null }
  })
  const routable = breaches.filter((breach): breach is Breach & { lead: { team_id: string } } => breach.lead.team_id !== null)
  const rerouted = await rerouteLeads(tx, routable.map(breach => ({
    lead: breach.lead,
    trigger: 'sla_breached',
    slaDueAt: breach.clock?.deadlines.dueAt ?? breach.lead.sla_due_at,
    slaNote: breach.clock?.note ?? null,
  })), now)
  const byLead = new Map(rerouted.map(result => [result.item.lead.id, result]))
  for (const breach of breaches)
    breach.rerouted = byLead.get(breach.lead.id) ?? null

  // The clock that breached stays on record as sla_breached_at; the owner's markers start afresh.
  // Started, not awaited: the database writes while the events are being put together.
  const written = tx`
    update public.leads l set
      assigned_to = case when r.rerouted then r.assigned_to else l.assigned_to end,
      assigned_at = case when not r.rerouted then l.assigned_at when r.assigned_to is null then null else ${now}::timestamptz end,
      in_fallback_queue = case when r.rerouted then r.fallback else l.in_fallback_queue end,
      sla_started_at = coalesce(r.clock_starts_at, l.sla_started_at),
      sla_due_at = coalesce(r.due_at, l.sla_due_at),
      sla_state = 'breached',
      sla_breached_at = l.sla_due_at,
      sla_reminded_at = null,
      sla_escalated_at = null
    from json_to_recordset(${JSON.stringify(breaches.map(ownerRow))}::text::json)
      as r (id uuid, rerouted boolean, assigned_to uuid, fallback boolean, to_rep boolean, clock_starts_at timestamptz, due_at timestamptz)
    where l.id = r.id`.execute()
  await Promise.all([
    written,
    assignNewLeads(tx, breaches.flatMap(({ lead, rerouted }) => rerouted?.outcome.toRep && lead.status === 'new' ? [lead.id] : [])),
    appendEvents(tx, breaches.flatMap(breach => eventsOf(breach, now))),
  ])

  for (const { lead, rerouted: result } of breaches) {
    counts.breached += 1
    if (result === null)
      counts.unrouted += 1
    else if (result.outcome.fallback)
      counts.fallback_queued += 1
    else if (result.outcome.assignedTo === lead.assigned_to)
      counts.kept += 1
    else
      counts.reassigned += 1
  }
  return { counts, pushes: breaches.flatMap(pushesOf) }
}
