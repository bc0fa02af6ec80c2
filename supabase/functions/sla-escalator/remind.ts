// Step 1 of the ladder: the owner of a clock is reminded once it has run remind_at_pct of its
// window (default 50%, in business minutes) with no contact attempt, once per owner:
// sla_reminded_at marks it and a reassignment clears it. A clock already due is not reminded (it
// breaches instead), nor is a lead waiting in the fallback queue.
import { appendEvents } from './events.ts'
import { notContactedSinceBreach } from './contact-since-breach.ts'
import { ladderTerms, remindAt } from './ladder-times.ts'
import { LADDER_STATUSES, loadPolicies, withTeamsAndSources, workLeadColumns } from './lead-work.ts'
import type { SelectedLead } from './lead-work.ts'
import { planPush } from './push-plan.ts'
import type { StepContext, StepOutcome } from './step.ts'

type ClockedLead = SelectedLead & { assigned_to: string, sla_started_at: Date, sla_due_at: Date }

export async function remindOwners({ tx, now, limit }: StepContext): Promise<StepOutcome<{ reminded: number }>> {
  // Real-time bound in SQL, business-minute time below (see escalate.ts).
  const selected = await tx<ClockedLead[]>`
    select ${workLeadColumns(tx)}
    from public.leads l
    left join public.sla_policies p on p.id = l.sla_policy_id
    where l.sla_reminded_at is null and l.sla_state in ('running', 'breached') and not l.in_fallback_queue
      and (l.sla_state = 'running' or l.first_contact_at is null or l.first_contact_at < l.sla_breached_at)
      -- No reminder comes sooner after its clock started than the earliest any policy gives (a
      -- lead whose policy was deleted waits that long too): this bounds the index range.
      and l.sla_started_at <= ${now}::timestamptz
            - (select coalesce(min(q.target_minutes * q.remind_at_pct), 0)::float8 / 100 from public.sla_policies q) * interval '1 minute'
      and l.assigned_to is not null and l.status in ${tx(LADDER_STATUSES)} and not l.is_spam
      and l.sla_due_at > ${now}
      and l.sla_started_at + make_interval(secs =>
            coalesce(p.target_minutes * 60, extract(epoch from l.sla_due_at - l.sla_started_at))
            * coalesce(p.remind_at_pct, 50) / 100.0) <= ${now}
      and (l.sla_state = 'running' or ${notContactedSinceBreach(tx)})
    order by l.sla_started_at
    limit ${limit}
    for update of l skip locked`
  if (selected.length === 0)
    return { counts: { reminded: 0 }, pushes: [] }

  const [candidates, policies] = await Promise.all([withTeamsAndSources(tx, selected), loadPolicies(tx, selected)])
  const due = candidates.flatMap((lead) => {
    const terms = ladderTerms(policies.get(lead.sla_policy_id ?? '') ?? null, { startedAt: lead.sla_started_at, dueAt: lead.sla_due_at })
    const at = remindAt(terms, lead.sla_started_at)
    return at <= now ? [{ lead, at }] : []
  })
  if (due.length === 0)
    return { counts: { reminded: 0 }, pushes: [] }

  await tx`
    update public.leads set sla_reminded_at = ${now}, updated_at = now()
    where id = any(${tx.array(due.map(({ lead }) => lead.id))}::uuid[])`
  await appendEvents(tx, now, due.map(({ lead, at }) => ({
    lead_id: lead.id,
    org_id: lead.org_id,
    type: 'reminded',
    details: { kind: 'sla', to: lead.assigned_to, remind_at: at.toISOString(), sla_due_at: lead.sla_due_at.toISOString() },
  })))
  return { counts: { reminded: due.length }, pushes: due.map(({ lead }) => planPush(lead, lead.assigned_to, 'sla_reminder', lead.sla_due_at)) }
}
