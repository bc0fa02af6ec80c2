// Step 2 of the ladder: a clock that ran out with no contact attempt is breached. The lead is
// routed again through its team's rules to another eligible rep (the one who missed it only if
// nobody else can take it), with a fresh clock under its policy for the new owner, and the
// team's manager is alerted. Once per clock: only running clocks breach, and this leaves it breached.
import { startSlaClock } from '../_shared/assignment/sla-clock.ts'
import type { SlaClock, SlaPolicyRow } from '../_shared/assignment/sla-clock.ts'
import { appendEvents } from './events.ts'
import type { LeadEvent } from './events.ts'
import { isoText } from './iso-text.ts'
import { escalateAt, ladderTerms } from './ladder-times.ts'
import { LADDER_STATUSES, loadPolicies, withTeamsAndSources, workLeadColumns } from './lead-work.ts'
import type { SelectedLead, WorkLead } from './lead-work.ts'
import { oncePerKey } from './once-per-key.ts'
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

function pushesOf(breach: Breach): PlannedPush[] {
  const { lead, clock, rerouted } = breach
  const owner = rerouted?.outcome.toRep ? rerouted.outcome.assignedTo : null
  const ownerPush = owner === null
    ? []
    : [planPush(lead, owner, owner === lead.assigned_to ? 'sla_reminder' : 'reassigned', clock?.deadlines.dueAt ?? null)]
  // The manager's alert matters until the lead escalates to the fallback queue.
  return [...ownerPush, ...managerPush(lead, breach.escalateAt)]
}

function breachedEvent(breach: Breach, now: Date): LeadEvent {
  const { lead } = breach
  return {
    lead_id: lead.id,
    org_id: lead.org_id,
    type: 'breached',
    details: {
      owner: lead.assigned_to,
      sla_due_at: isoText(lead.sla_due_at),
      escalate_at: isoText(breach.escalateAt),
      late_by_seconds: Math.max(0, Math.round((now.getTime() - lead.sla_due_at.getTime()) / 1000)),
      manager: lead.manager_id,
    },
  }
}

/**
 * The owners' columns of the breached leads as one array per column. A fresh clock only for a
 * lead that was routed again: there is a new (or renewed) owner.
 */
function ownerColumns(breaches: readonly Breach[]) {
  const columns = {
    id: [] as string[],
    rerouted: [] as boolean[],
    assignedTo: [] as Array<string | null>,
    fallback: [] as boolean[],
    clockStartsAt: [] as Array<string | null>,
    dueAt: [] as Array<string | null>,
  }
  for (const { lead, clock, rerouted } of breaches) {
    const outcome = rerouted?.outcome
    const fresh = outcome !== undefined && clock !== null
    columns.id.push(lead.id)
    columns.rerouted.push(outcome !== undefined)
    columns.assignedTo.push(outcome?.assignedTo ?? null)
    columns.fallback.push(outcome?.fallback ?? false)
    columns.clockStartsAt.push(fresh ? isoText(clock.deadlines.clockStartsAt) : null)
    columns.dueAt.push(fresh ? isoText(clock.deadlines.dueAt) : null)
  }
  return columns
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

  const [leads, policies] = await Promise.all([withTeamsAndSources(tx, selected), loadPolicies(tx, selected)])
  // Worked out once per policy (and due time), not per lead: a business-hours calendar makes each costly.
  const freshClock = oncePerKey((policy: SlaPolicyRow) => policy.id, policy => startSlaClock(policy, now))
  const escalation = oncePerKey(
    ({ policy, dueAt }: { policy: SlaPolicyRow, dueAt: Date }) => `${policy.id} ${dueAt.getTime()}`,
    ({ policy, dueAt }) => escalateAt(ladderTerms(policy, { startedAt: dueAt, dueAt }), dueAt),
  )
  const breaches: Breach[] = leads.map((lead) => {
    const policy = policies.get(lead.sla_policy_id ?? '') ?? null
    if (policy === null) {
      const terms = ladderTerms(null, { startedAt: lead.sla_started_at ?? lead.sla_due_at, dueAt: lead.sla_due_at })
      return { lead, clock: null, escalateAt: escalateAt(terms, lead.sla_due_at), rerouted: null }
    }
    return { lead, clock: freshClock(policy), escalateAt: escalation({ policy, dueAt: lead.sla_due_at }), rerouted: null }
  })

  // The teams are locked and read first, then the breach events (they need no routing) go out
  // behind them: the database writes those while the leads are routed here. All events go before
  // the owners' update, for the foreign-key checks (see below).
  const routable = breaches.filter((breach): breach is Breach & { lead: { team_id: string } } => breach.lead.team_id !== null)
  const routing = rerouteLeads(tx, routable.map(breach => ({
    lead: breach.lead,
    trigger: 'sla_breached',
    slaDueAt: breach.clock?.deadlines.dueAt ?? breach.lead.sla_due_at,
    slaNote: breach.clock?.note ?? null,
  })), now)
  const breachEvents = appendEvents(tx, now, breaches.map(breach => breachedEvent(breach, now)))
  breachEvents.catch(() => {}) // surfaced by the Promise.all below
  const { rerouted, turnsWritten } = await routing
  const byLead = new Map(rerouted.map(result => [result.item.lead.id, result]))
  for (const breach of breaches)
    breach.rerouted = byLead.get(breach.lead.id) ?? null

  // The reassignment events before the owners: their foreign-key checks find the leads still
  // locked by the select above, cheaper than locking the rows an update has just rewritten.
  const reassignEvents = appendEvents(tx, now, breaches.flatMap(breach => breach.rerouted === null ? [] : [rerouteEvent(breach.rerouted)]))
  // The clock that breached stays on record as sla_breached_at; the owner's markers start afresh.
  // updated_at is set here, so the leads' touch trigger is not called once per row.
  const owners = ownerColumns(breaches)
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
      sla_escalated_at = null,
      updated_at = now()
    from unnest(${tx.array(owners.id)}::uuid[], ${tx.array(owners.rerouted)}::boolean[], ${tx.array(owners.assignedTo)}::uuid[],
                ${tx.array(owners.fallback)}::boolean[], ${tx.array(owners.clockStartsAt)}::timestamptz[], ${tx.array(owners.dueAt)}::timestamptz[])
      as r (id, rerouted, assigned_to, fallback, clock_starts_at, due_at)
    where l.id = r.id`.execute()
  await Promise.all([
    breachEvents,
    turnsWritten,
    reassignEvents,
    written,
    assignNewLeads(tx, breaches.flatMap(breach => breach.rerouted?.outcome.toRep && breach.lead.status === 'new' ? [breach.lead.id] : [])),
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
