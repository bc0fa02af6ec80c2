// What routing needs to know about a team, read inside the assigning transaction after the team's
// round-robin row is locked: so every assignment to the team sees the ones committed before it.
import type { WeeklyHours } from '../domain/business-hours.ts'
import { domainAndParents } from '../domain/domains.ts'
import type { Availability, RepSnapshot, RoundRobinState, RoutingRule, RoutingStrategy } from '../domain/routing.ts'
import type { Tx } from '../db/postgres.ts'

/** Lead statuses that hold a place in a rep's capacity (the rep's open leads). */
export const OPEN_STATUSES = ['new', 'assigned', 'attempting', 'contacted', 'qualified'] as const

export interface TeamRep extends RepSnapshot {
  /** The rep also wants a push for WARM leads. */
  pushWarm: boolean
}

/** A member to push a lead alert to, with their preference for WARM alerts. */
export interface AlertMember {
  id: string
  pushWarm: boolean
}

export interface TeamSnapshot {
  roundRobin: RoundRobinState
  reps: TeamRep[]
  rules: RoutingRule[]
  /** Company domain -> owner, for the lead's domain and its parents only. */
  accounts: Map<string, string>
  fallbackOwnerId: string | null
  /** The fallback owner, to alert of a HOT lead waiting in their queue; null without an active one. */
  fallbackOwner: AlertMember | null
}

interface RuleRow {
  id: string
  name: string
  position: number
  strategy: RoutingStrategy
  conditions: unknown
  target_member_ids: string[]
  enabled: boolean
}

interface RepRow {
  id: string
  active: boolean
  availability: Availability
  working_hours: WeeklyHours | null
  time_zone: string
  territories: string[]
  skills: string[]
  languages: string[]
  capacity: number
  routing_weight: number
  push_warm: boolean
  /** At most `capacity`. */
  open_leads: number
}

function toRule(row: RuleRow): RoutingRule {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    strategy: row.strategy,
    // Read (and refused when unreadable) by the routing domain itself.
    conditions: row.conditions,
    targetMemberIds: row.target_member_ids,
    enabled: row.enabled,
  }
}

function toRep(row: RepRow): TeamRep {
  return {
    id: row.id,
    active: row.active,
    availability: row.availability,
    workingHours: row.working_hours,
    timeZone: row.time_zone,
    territories: row.territories,
    skills: row.skills,
    languages: row.languages,
    capacity: row.capacity,
    openLeads: row.open_leads,
    weight: row.routing_weight,
    pushWarm: row.push_warm,
  }
}

function fallbackOwnerOf(team: { fallback_owner_id: string | null, fallback_owner_push_warm: boolean | null } | undefined): AlertMember | null {
  if (!team || team.fallback_owner_id === null || team.fallback_owner_push_warm === null)
    return null
  return { id: team.fallback_owner_id, pushWarm: team.fallback_owner_push_warm }
}

/**
 * Locks the team's round-robin row (created on first use) for the rest of the transaction, then
 * reads its reps with their open leads, rules, the accounts matching the leads' domains and its
 * fallback owner. Every assignment into the team goes through this lock, so capacity and turns
 * are decided one lead at a time per team while other teams proceed in parallel.
 * `leadDomain` may list the domains of several leads routed in one go (the SLA escalator's batches).
 *
 * The statements go out together, without waiting in between (postgres.js pipelines them on the
 * transaction's connection); PostgreSQL runs them in order, so the reps and their open leads are
 * read once the lock is held and see every assignment committed before. One round trip instead
 * of two keeps the lock short. They are sent as soon as this is called (execute), so statements
 * the caller sends next queue behind them rather than ahead.
 */
export async function loadTeamSnapshot(tx: Tx, team: { id: string, orgId: string }, leadDomain: string | null | readonly (string | null)[]): Promise<TeamSnapshot> {
  const leadDomains = typeof leadDomain === 'string' || leadDomain === null ? [leadDomain] : leadDomain
  const domains = [...new Set(leadDomains.flatMap(domain => domain === null ? [] : domainAndParents(domain)))]
  const [rules, accounts, teams, , [locked], reps] = await Promise.all([
    // Configuration first: it needs no lock, so it is read before the team is locked.
    tx<RuleRow[]>`
      select id, name, position, strategy, conditions, target_member_ids, enabled
      from public.routing_rules where team_id = ${team.id} and enabled order by position, id`.execute(),
    tx<{ domain: string, owner_id: string }[]>`
      select domain, owner_id from public.accounts
      where org_id = ${team.orgId} and domain = any(${domains}::text[]) and owner_id is not null`.execute(),
    tx<{ fallback_owner_id: string | null, fallback_owner_push_warm: boolean | null }[]>`
      select t.fallback_owner_id, m.push_warm as fallback_owner_push_warm
      from public.teams t left join public.members m on m.id = t.fallback_owner_id and m.active
      where t.id = ${team.id}`.execute(),
    tx`insert into public.round_robin_state (team_id) values (${team.id}) on conflict (team_id) do nothing`.execute(),
    tx<{ last_member_id: string | null, counter: string }[]>`
      select last_member_id, counter from public.round_robin_state where team_id = ${team.id} for update`.execute(),
    tx<RepRow[]>`
      select m.id, m.active, m.availability, m.working_hours, m.time_zone, m.territories, m.skills, m.languages,
             m.capacity, m.routing_weight, m.push_warm,
             -- Counted up to the capacity only: routing needs no more (a full rep is not eligible),
             -- and the read stays short however many leads a rep has piled up, lock held.
             (select count(*)::int from (
                select 1 from public.leads l
                where l.assigned_to = m.id and l.status in ${tx(OPEN_STATUSES)} and not l.is_spam
                limit greatest(m.capacity, 0)) as open) as open_leads
      from public.members m
      where m.team_id = ${team.id} and m.role = 'rep'
      order by m.id`.execute(),
  ])
  return {
    roundRobin: { lastMemberId: locked?.last_member_id ?? null, counter: Number(locked?.counter ?? 0) },
    reps: reps.map(toRep),
    rules: rules.map(toRule),
    accounts: new Map(accounts.map(row => [row.domain, row.owner_id])),
    fallbackOwnerId: teams[0]?.fallback_owner_id ?? null,
    fallbackOwner: fallbackOwnerOf(teams[0]),
  }
}
