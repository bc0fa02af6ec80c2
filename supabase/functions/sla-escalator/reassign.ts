// Routes leads again many at a time. Per team the round robin is locked and the team read once
// (loadTeamSnapshot), then the pure routing decides lead after lead on that snapshot, moving each
// lead's place in the reps' capacity and the round-robin position as it goes: the decisions
// assignLead would make one lead and five round trips at a time, at the cost of one read per team.
import { assignmentOutcome, routingLeadOf } from '../_shared/assignment/assign-lead.ts'
import type { AssignmentOutcome } from '../_shared/assignment/assign-lead.ts'
import { loadTeamSnapshot } from '../_shared/assignment/team-snapshot.ts'
import type { Tx } from '../_shared/db/postgres.ts'
import { routeLead } from '../_shared/domain/routing.ts'
import type { WorkLead } from './lead-work.ts'

export interface RerouteItem {
  lead: WorkLead & { team_id: string }
  /** Why, for the event: 'sla_breached', 'owner_inactive'… */
  trigger: string
  /** The due time the lead will have, for the event. */
  slaDueAt: Date | null
  slaNote: string | null
}

export interface Rerouted {
  item: RerouteItem
  outcome: AssignmentOutcome
}

function byTeam(items: readonly RerouteItem[]): Map<string, RerouteItem[]> {
  const teams = new Map<string, RerouteItem[]>()
  for (const item of items) {
    const team = teams.get(item.lead.team_id)
    if (team)
      team.push(item)
    else
      teams.set(item.lead.team_id, [item])
  }
  return teams
}

export interface Rerouting {
  rerouted: Rerouted[]
  /** The teams' round-robin positions, being written: await it with the caller's own writes. */
  turnsWritten: Promise<unknown>
}

/**
 * Decides a new owner for every item, never its current owner unless nobody else is eligible,
 * and stores each team's round-robin position. The teams are locked and read as soon as this is
 * called, all in one go and in id order, so two runs routing overlapping teams cannot deadlock,
 * and statements the caller sends next queue behind those reads: the database works on them
 * while the leads are routed here. The caller writes the owners and events.
 */
export async function rerouteLeads(tx: Tx, items: readonly RerouteItem[], now: Date): Promise<Rerouting> {
  const teams = [...byTeam(items)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const snapshots = await Promise.all(teams.map(([teamId, teamItems]) =>
    loadTeamSnapshot(tx, { id: teamId, orgId: teamItems[0]!.lead.org_id }, teamItems.map(item => item.lead.domain))))
  const rerouted: Rerouted[] = []
  const turns: Promise<unknown>[] = []
  for (const [index, [teamId, teamItems]] of teams.entries()) {
    const team = snapshots[index]!
    const reps = team.reps.map(rep => ({ ...rep }))
    const repsById = new Map(reps.map(rep => [rep.id, rep]))
    let roundRobin = team.roundRobin
    let turned = false
    for (const item of teamItems) {
      const previousOwner = item.lead.assigned_to
      const excludeMemberIds = previousOwner === null ? [] : [previousOwner]
      const decision = routeLead({
        lead: routingLeadOf(item.lead),
        rules: team.rules,
        accounts: team.accounts,
        reps,
        roundRobin,
        now,
        excludeMemberIds,
      })
      if (decision.roundRobin) {
        roundRobin = decision.roundRobin
        turned = true
      }
      const outcome = assignmentOutcome({
        previousOwner,
        decision,
        fallbackOwnerId: team.fallbackOwnerId,
        trigger: item.trigger,
        excludeMemberIds,
        slaDueAt: item.slaDueAt,
        slaNote: item.slaNote,
      })
      if (outcome.assignedTo !== previousOwner) {
        const from = previousOwner === null ? undefined : repsById.get(previousOwner)
        const to = outcome.assignedTo === null ? undefined : repsById.get(outcome.assignedTo)
        if (from)
          from.openLeads -= 1
        if (to)
          to.openLeads += 1
      }
      rerouted.push({ item, outcome })
    }
    if (turned) {
      turns.push(tx`
        update public.round_robin_state set last_member_id = ${roundRobin.lastMemberId}, counter = ${roundRobin.counter}
        where team_id = ${teamId}`.execute())
    }
  }
  const turnsWritten = Promise.all(turns)
  turnsWritten.catch(() => {}) // surfaced where the caller awaits it
  return { rerouted, turnsWritten }
}

/**
 * New leads given to a rep become 'assigned'. A separate statement for just those leads: setting
 * status in the big updates would run the status-transition trigger for every lead.
 */
export async function assignNewLeads(tx: Tx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0)
    return
  await tx`
    update public.leads set status = 'assigned'
    where id = any(${tx.array([...ids])}::uuid[]) and status = 'new'`
}

/** The assignment event of a rerouted lead, as assignLead writes it. */
export function rerouteEvent(rerouted: Rerouted) {
  const { item, outcome } = rerouted
  return { lead_id: item.lead.id, org_id: item.lead.org_id, type: outcome.event.type, details: outcome.event.details }
}
