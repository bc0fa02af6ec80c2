// The SLA clock of a lead: which policy applies (the source's policy for the tier, else the
// source's own policy, else the organization's policy for the tier) and the deadlines it gives in
// business minutes on the policy's calendar.
import type { BusinessCalendar, SlaDeadlines, WeeklyHours } from '../domain/business-hours.ts'
import { slaDeadlines } from '../domain/business-hours.ts'
import type { Tier } from '../domain/scoring.ts'
import type { Tx } from '../db/postgres.ts'

export interface SlaPolicyRow {
  id: string
  target_minutes: number
  remind_at_pct: number
  escalate_factor: string | number
  calendar_id: string | null
  time_zone: string | null
  weekly_hours: WeeklyHours | null
  holidays: string[] | null
  always_open: boolean | null
}

export interface SlaClock {
  policyId: string
  deadlines: SlaDeadlines
  /** Set when the calendar could not be read and the clock counts 24/7 instead. */
  note: string | null
}

/** The policy for a lead of `tier` from `sourceId` in `orgId`, with its calendar; null when the organization has none. */
export async function findSlaPolicy(tx: Tx, lead: { orgId: string, sourceId: string | null, tier: Tier }): Promise<SlaPolicyRow | null> {
  const [policy] = await tx<SlaPolicyRow[]>`
    with source as (select s.sla_policy_id from public.lead_sources s where s.id = ${lead.sourceId})
    select p.id, p.target_minutes, p.remind_at_pct, p.escalate_factor, p.calendar_id,
           c.time_zone, c.weekly_hours, c.holidays::text[] as holidays, c.always_open
    from public.sla_policies p
    left join public.business_calendars c on c.id = p.calendar_id
    where p.org_id = ${lead.orgId}
      and ((p.tier = ${lead.tier} and (p.source_id is null or p.source_id = ${lead.sourceId}))
           or p.id = (select sla_policy_id from source))
    order by case
      when p.tier = ${lead.tier} and p.source_id = ${lead.sourceId} then 0
      when p.id = (select sla_policy_id from source) then 1
      else 2
    end
    limit 1`
  return policy ?? null
}

/** The policy's business calendar; null for 24/7. */
export function calendarOf(policy: SlaPolicyRow): BusinessCalendar | null {
  if (policy.calendar_id === null || policy.time_zone === null || policy.always_open)
    return null
  return { timeZone: policy.time_zone, weeklyHours: policy.weekly_hours ?? {}, holidays: policy.holidays ?? [] }
}

/** The deadlines of a clock started at `now` under `policy`. */
export function startSlaClock(policy: SlaPolicyRow, now: Date): SlaClock {
  const terms = {
    responseMinutes: policy.target_minutes,
    remindAtPct: policy.remind_at_pct,
    escalateFactor: Number(policy.escalate_factor),
  }
  try {
    return { policyId: policy.id, deadlines: slaDeadlines(terms, calendarOf(policy), now), note: null }
  }
  catch (error) {
    // A calendar that never opens must not leave a lead without a clock: count around the clock.
    const note = `calendar unusable (${(error as Error).message}): SLA counted 24/7`
    return { policyId: policy.id, deadlines: slaDeadlines(terms, null, now), note }
  }
}
