// Follow-ups come back on their own: next_lead() serves a lead again once its next_attempt_at or
// callback_at has come. A callback the rep promised also buzzes their phone, once per lead and
// callback time (private.callback_reminders), while it is less than a day overdue: a later buzz
// about it helps nobody.
import { appendEvents } from './events.ts'
import { withTeamsAndSources, workLeadColumns } from './lead-work.ts'
import type { SelectedLead } from './lead-work.ts'
import { planPush } from './push-plan.ts'
import type { StepContext, StepOutcome } from './step.ts'

export const CALLBACK_REMINDER_HORIZON_MS = 24 * 60 * 60 * 1000

type CallbackLead = SelectedLead & { assigned_to: string, callback_at: Date }

export async function remindCallbacks({ tx, now, limit }: StepContext): Promise<StepOutcome<{ callbacks_reminded: number }>> {
  const candidates = await tx<CallbackLead[]>`
    select ${workLeadColumns(tx)}
    from public.leads l
    where l.callback_at is not null and l.callback_at <= ${now}
      and l.callback_at > ${new Date(now.getTime() - CALLBACK_REMINDER_HORIZON_MS)}
      and l.assigned_to is not null and not l.is_spam
      and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified')
      and not exists (select 1 from private.callback_reminders r where r.lead_id = l.id and r.callback_at = l.callback_at)
    order by l.callback_at
    limit ${limit}
    for update of l skip locked`
  if (candidates.length === 0)
    return { counts: { callbacks_reminded: 0 }, pushes: [] }

  // The key decides: a reminder another run recorded first is not sent again.
  const recorded = await tx<{ lead_id: string }[]>`
    insert into private.callback_reminders (lead_id, callback_at, reminded_at)
    select r.lead_id, r.callback_at, ${now}
    from json_to_recordset(${JSON.stringify(candidates.map(lead => ({ lead_id: lead.id, callback_at: lead.callback_at.toISOString() })))}::text::json)
      as r (lead_id uuid, callback_at timestamptz)
    on conflict do nothing
    returning lead_id`
  const mine = new Set(recorded.map(row => row.lead_id))
  const due = await withTeamsAndSources(tx, candidates.filter(lead => mine.has(lead.id)))
  await appendEvents(tx, now, due.map(lead => ({
    lead_id: lead.id,
    org_id: lead.org_id,
    type: 'reminded',
    details: { kind: 'callback', to: lead.assigned_to, callback_at: lead.callback_at.toISOString() },
  })))
  return { counts: { callbacks_reminded: due.length }, pushes: due.map(lead => planPush(lead, lead.assigned_to, 'sla_reminder', null)) }
}
