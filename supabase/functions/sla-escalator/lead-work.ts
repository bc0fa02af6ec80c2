// The leads a run works on, read and locked in one statement per step: what routing, the ladder,
// the events and the push payloads need, with FOR UPDATE SKIP LOCKED so that overlapping runs
// each take different leads and never wait for one another.
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

/** The select list of WorkLead over `public.leads l`; scalar subqueries keep FOR UPDATE on the lead alone. */
export function workLeadColumns(tx: Tx) {
  return tx`
    l.id, l.org_id, l.team_id, l.source_id, l.tier, l.score, l.domain, l.country, l.region, l.product_interest,
    l.language, l.status, l.assigned_to, l.in_fallback_queue, l.sla_policy_id, l.sla_started_at, l.sla_due_at,
    l.sla_breached_at, l.callback_at, l.full_name, l.email, l.phone, l.company,
    coalesce(l.reengaged_at, l.created_at) as waiting_since,
    (select s.name from public.lead_sources s where s.id = l.source_id) as source_name,
    (select m.id from public.teams t join public.members m on m.id = t.manager_id and m.active where t.id = l.team_id) as manager_id,
    (select t.fallback_owner_id from public.teams t where t.id = l.team_id) as fallback_owner_id`
}

/** Statuses in which a lead still waits for its first call: the ladder only climbs for these. */
export const LADDER_STATUSES = ['new', 'assigned', 'attempting'] as const

/** The SLA policies (with calendars) of `leads`, by id. */
export async function loadPolicies(tx: Tx, leads: readonly WorkLead[]): Promise<Map<string, SlaPolicyRow>> {
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
