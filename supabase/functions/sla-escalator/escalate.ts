// Step 3 of the ladder: a breached lead nobody has called by escalate_factor times its window
// (default 2x) moves to its team's fallback queue, owned by the team's fallback owner, and the
// manager is alerted again, and the fallback owner when that is someone else. Once per lead:
// sla_escalated_at marks it.
import { escalateAt, escalationAlertDeadline, ladderTerms } from './ladder-times.ts'
import type { LadderTerms } from './ladder-times.ts'
import { notContactedSinceBreach } from './contact-since-breach.ts'
import { appendEvents } from './events.ts'
import { LADDER_STATUSES, loadPolicies, withTeamsAndSources, workLeadColumns } from './lead-work.ts'
import type { SelectedLead } from './lead-work.ts'
import { escalationPushes } from './push-plan.ts'
import type { StepContext, StepOutcome } from './step.ts'

export async function escalateOverdue({ tx, now, limit }: StepContext): Promise<StepOutcome<{ escalated: number }>> {
  // The SQL bound is in real time (a business minute never passes faster than a real one); the
  // exact time, in business minutes of the policy's calendar, is checked below.
  const selected = await tx<SelectedLead[]>`
    select ${workLeadColumns(tx)}
    from public.leads l
    left join public.sla_policies p on p.id = l.sla_policy_id
    where l.sla_state = 'breached' and l.sla_escalated_at is null
      and (l.first_contact_at is null or l.first_contact_at < l.sla_breached_at)
      and l.sla_breached_at <= ${now}
      and l.status in ${tx(LADDER_STATUSES)} and not l.is_spam
      and l.sla_breached_at + make_interval(secs =>
            coalesce(p.target_minutes * 60, extract(epoch from l.sla_due_at - l.sla_started_at))
            * (coalesce(p.escalate_factor, 2) - 1)) <= ${now}
      and ${notContactedSinceBreach(tx)}
    order by l.sla_breached_at
    limit ${limit}
    for update of l skip locked`
  if (selected.length === 0)
    return { counts: { escalated: 0 }, pushes: [] }

  const [candidates, policies] = await Promise.all([withTeamsAndSources(tx, selected), loadPolicies(tx, selected)])
  // The alerts' deadline depends on the policy alone (all escalate at `now`): once per policy.
  const deadlines = new Map<string, Date>()
  const alertDeadline = (policyId: string | null, terms: LadderTerms): Date => {
    if (policyId === null)
      return escalationAlertDeadline(terms, now)
    let deadline = deadlines.get(policyId)
    if (!deadline)
      deadlines.set(policyId, deadline = escalationAlertDeadline(terms, now))
    return deadline
  }
  const due = candidates.flatMap((lead) => {
    const policy = policies.get(lead.sla_policy_id ?? '') ?? null
    const terms = ladderTerms(policy, { startedAt: lead.sla_started_at ?? lead.sla_due_at!, dueAt: lead.sla_due_at! })
    const at = escalateAt(terms, lead.sla_breached_at!)
    return at <= now ? [{ lead, at, factor: terms.escalateFactor, alertDeadline: alertDeadline(policy === null ? null : lead.sla_policy_id, terms) }] : []
  })
  if (due.length === 0)
    return { counts: { escalated: 0 }, pushes: [] }

  // The events before the update: their foreign-key checks find the leads still locked by the
  // select above, cheaper than locking the rows the update has just rewritten.
  const events = appendEvents(tx, now, due.map(({ lead, at, factor }) => ({
    lead_id: lead.id,
    org_id: lead.org_id,
    type: 'escalated',
    details: {
      from: lead.assigned_to,
      to: lead.fallback_owner_id,
      fallback_owner: lead.fallback_owner_id,
      manager: lead.manager_id,
      sla_breached_at: lead.sla_breached_at!.toISOString(),
      escalate_at: at.toISOString(),
      reason: `no contact attempt within ${factor}x the SLA window: moved to the fallback queue`,
    },
  })))
  // updated_at is set here, so the leads' touch trigger is not called once per row.
  const written = tx`
    update public.leads l set
      in_fallback_queue = true,
      assigned_to = r.owner,
      assigned_at = case when r.owner is null then null else ${now}::timestamptz end,
      sla_state = 'escalated',
      sla_escalated_at = ${now},
      updated_at = now()
    from unnest(${tx.array(due.map(({ lead }) => lead.id))}::uuid[], ${tx.array(due.map(({ lead }) => lead.fallback_owner_id))}::uuid[])
      as r (id, owner)
    where l.id = r.id`.execute()
  await Promise.all([events, written])
  return { counts: { escalated: due.length }, pushes: due.flatMap(({ lead, alertDeadline }) => escalationPushes(lead, alertDeadline)) }
}
