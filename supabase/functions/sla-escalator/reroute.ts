// Unworked leads never wait on someone who is not there: the new and assigned leads of a member
// who was deactivated, or of a rep who is off shift, outside their working hours or no longer in
// the lead's team, are routed again (their SLA clock keeps running) and the new owner is alerted.
// Reps on a break keep their leads.
import { appendEvents } from './events.ts'
import { withTeamsAndSources, workLeadColumns } from './lead-work.ts'
import type { SelectedLead } from './lead-work.ts'
import { planPush } from './push-plan.ts'
import { assignNewLeads, rerouteEvent, rerouteLeads } from './reassign.ts'
import type { StepContext, StepOutcome } from './step.ts'

export interface RerouteCounts extends Record<string, number> {
  rerouted: number
  /** Nobody eligible: moved to the team's fallback queue. */
  fallback_queued: number
}

type AwayLead = SelectedLead & { team_id: string, assigned_to: string, trigger: string }

export async function rerouteFromUnavailable({ tx, now, limit }: StepContext): Promise<StepOutcome<RerouteCounts>> {
  const counts: RerouteCounts = { rerouted: 0, fallback_queued: 0 }
  // From the members (few, each judged once) to their unworked leads, read from the index alone:
  // present reps are looked at only for leads of a team they are not in.
  const found = await tx<{ id: string, owner: string, trigger: string }[]>`
    with owners as materialized (
      select m.id, m.team_id,
             case when not m.active then 'owner_inactive'
                  when m.role <> 'rep' then null
                  when m.team_id is null then 'owner_left_team'
                  when m.availability = 'off' then 'owner_off_shift'
                  when m.working_hours is not null
                       and not private.within_weekly_hours(m.time_zone, m.working_hours, '{}'::date[], ${now})
                    then 'owner_outside_working_hours'
             end as away
      from public.members m
      where not m.active or m.role = 'rep'
    )
    select l.id, o.id as owner, coalesce(o.away, 'owner_left_team') as trigger
    from owners o
    join public.leads l on l.assigned_to = o.id
    where l.status in ('new', 'assigned') and not l.is_spam and not l.in_fallback_queue and l.team_id is not null
      and (o.away is not null or l.team_id is distinct from o.team_id)
    limit ${limit}`
  if (found.length === 0)
    return { counts, pushes: [] }
  // Then those leads, locked, if they are still unworked with the same owner.
  const selected = await tx<AwayLead[]>`
    select ${workLeadColumns(tx)}, r.trigger
    from json_to_recordset(${JSON.stringify(found)}::text::json) as r (id uuid, owner uuid, trigger text)
    join public.leads l on l.id = r.id and l.assigned_to = r.owner
    where l.status in ('new', 'assigned') and not l.is_spam and not l.in_fallback_queue
    order by l.created_at
    for update of l skip locked`
  if (selected.length === 0)
    return { counts, pushes: [] }
  const leads = await withTeamsAndSources(tx, selected)

  const { rerouted, turnsWritten } = await rerouteLeads(tx, leads.map(lead => ({ lead, trigger: lead.trigger, slaDueAt: lead.sla_due_at, slaNote: null })), now)
  const written = tx`
    update public.leads l set
      assigned_to = r.assigned_to,
      assigned_at = case when r.assigned_to is null then null else ${now}::timestamptz end,
      in_fallback_queue = r.fallback,
      updated_at = now()
    from json_to_recordset(${JSON.stringify(rerouted.map(({ item, outcome }) => ({
      id: item.lead.id,
      assigned_to: outcome.assignedTo,
      fallback: outcome.fallback,
      to_rep: outcome.toRep,
    })))}::text::json) as r (id uuid, assigned_to uuid, fallback boolean, to_rep boolean)
    where l.id = r.id`.execute()
  await Promise.all([
    turnsWritten,
    written,
    assignNewLeads(tx, rerouted.flatMap(({ item, outcome }) => outcome.toRep && item.lead.status === 'new' ? [item.lead.id] : [])),
    appendEvents(tx, now, rerouted.map(rerouteEvent)),
  ])

  for (const { outcome } of rerouted) {
    if (outcome.fallback)
      counts.fallback_queued += 1
    else
      counts.rerouted += 1
  }
  const pushes = rerouted.flatMap(({ item, outcome }) =>
    outcome.toRep && outcome.assignedTo !== null ? [planPush(item.lead, outcome.assignedTo, 'reassigned', item.lead.sla_due_at)] : [])
  return { counts, pushes }
}
