// The leads a run works on, read and locked in one statement per step (FOR UPDATE SKIP LOCKED, so
// that overlapping runs each take different leads and never wait for one another), with what
// routing, the ladder, the events and the push payloads need.
import type { SlaPolicyRow } from '../_shared/assignment/sla-clock.ts'
import type { Tx } from '../_shared/db/postgres.ts'
import type { Tier } from '../_shared/domain/scoring.ts'

export interface WorkLead {
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
  in_fallback_queue: boolean
  sla_policy_id: string | null
  sla_started_at: Date | null
  sla_due_at: Date | null
  sla_breached_at: Date | null
  callback_at: Date | null
  full_name: string | null
  email: string | null
  phone: string | null
  company: string | null
  /** Since when the lead has waited: its capture, or its latest re-engagement. */
  waiting_since: Date
  source_name: string | null
  /** The active manager of the lead's team, who hears about breaches and escalations. */
  manager_id: string | null
  fallback_owner_id: string | null
}

/** The columns a step selects over `public.leads l`; `withTeamsAndSources` adds the rest of WorkLead. */
export function workLeadColumns(tx: Tx) {
  return tx`
    l.id, l.org_id, l.team_id, l.source_id, l.tier, l.score, l.domain, l.country, l.region, l.product_interest,
    l.language, l.status, l.assigned_to, l.in_fallback_queue, l.sla_policy_id, l.sla_started_at, l.sla_due_at,
    l.sla_breached_at, l.callback_at, l.full_name, l.email, l.phone, l.company,
    coalesce(l.reengaged_at, l.created_at) as waiting_since`
}

export type SelectedLead = Omit<WorkLead, 'source_name' | 'manager_id' | 'fallback_owner_id'>

/**
 * Completes selected leads with their source's name and their team's active manager and fallback
 * owner: one read of the few teams and sources involved rather than subqueries per lead. The rows
 * are completed in place (a copy of each of thousands of rows is measurable in a large run).
 */
export async function withTeamsAndSources<T extends SelectedLead>(tx: Tx, leads: readonly T[]): Promise<Array<T & WorkLead>> {
  const teamIds = [...new Set(leads.flatMap(lead => lead.team_id === null ? [] : [lead.team_id]))]
  const sourceIds = [...new Set(leads.flatMap(lead => lead.source_id === null ? [] : [lead.source_id]))]
  const [teams, sources] = await Promise.all([
    tx<{ id: string, manager_id: string | null, fallback_owner_id: string | null }[]>`
      select t.id, m.id as manager_id, t.fallback_owner_id
      from public.teams t left join public.members m on m.id = t.manager_id and m.active
      where t.id = any(${tx.array(teamIds)}::uuid[])`,
    tx<{ id: string, name: string }[]>`select id, name from public.lead_sources where id = any(${tx.array(sourceIds)}::uuid[])`,
  ])
  const teamById = new Map(teams.map(team => [team.id, team]))
  const sourceName = new Map(sources.map(source => [source.id, source.name]))
  return leads.map((lead) => {
    const team = lead.team_id === null ? undefined : teamById.get(lead.team_id)
    return Object.assign(lead, {
      source_name: lead.source_id === null ? null : sourceName.get(lead.source_id) ?? null,
      manager_id: team?.manager_id ?? null,
      fallback_owner_id: team?.fallback_owner_id ?? null,
    })
  })
}

/** Statuses in which a lead still waits for its first call: the ladder only climbs for these. */
export const LADDER_STATUSES = ['new', 'assigned', 'attempting'] as const

/**
 * The SLA policies (with calendars) of `leads`, by id. It needs only what the step selected, so a
 * step reads them alongside its teams and sources (one round trip, not two).
 */
export async function loadPolicies(tx: Tx, leads: readonly Pick<SelectedLead, 'sla_policy_id'>[]): Promise<Map<string, SlaPolicyRow>> {
  const ids = [...new Set(leads.flatMap(lead => lead.sla_policy_id === null ? [] : [lead.sla_policy_id]))]
  if (ids.length === 0)
    return new Map()
  const rows = await tx<SlaPolicyRow[]>`
    select p.id, p.target_minutes, p.remind_at_pct, p.escalate_factor, p.calendar_id,
           c.time_zone, c.weekly_hours, c.holidays::text[] as holidays, c.always_open
    from public.sla_policies p
    left join public.business_calendars c on c.id = p.calendar_id
    where p.id in ${tx(ids)}`
  return new Map(rows.map(row => [row.id, row]))
}
