// The queue rules of next_lead() (supabase/migrations/*_queue_rpcs.sql), for working through the
// cached queue with no signal. Keep them equal to private.lead_ready() and next_lead()'s ORDER BY.
import type { LeadRow, LeadTier } from '../api/types'

type QueueFields = Pick<LeadRow, 'id' | 'status' | 'next_attempt_at' | 'callback_at' | 'tier' | 'score' | 'sla_state' | 'sla_due_at' | 'created_at' | 'reengaged_count'>

const time = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso))

/** Whether an open lead can be worked now (private.lead_ready). */
export function isReady(lead: Pick<LeadRow, 'status' | 'next_attempt_at' | 'callback_at'>, now: number): boolean {
  const nextAttempt = time(lead.next_attempt_at)
  const callback = time(lead.callback_at)
  switch (lead.status) {
    case 'new':
    case 'assigned':
    case 'attempting':
      return (nextAttempt === null || nextAttempt <= now) && (callback === null || callback <= now)
    case 'contacted':
    case 'qualified':
      return (callback !== null && callback <= now) || (nextAttempt !== null && nextAttempt <= now)
    default:
      return false
  }
}

const tierRank: Record<LeadTier, number> = { HOT: 0, WARM: 1, COLD: 2 }

/** SLA due time while the clock runs or is already late; otherwise none (sorted last). */
function slaKey(lead: QueueFields): number {
  return ['running', 'breached', 'escalated'].includes(lead.sla_state) && lead.sla_due_at !== null
    ? Date.parse(lead.sla_due_at)
    : Number.POSITIVE_INFINITY
}

/** next_lead()'s priority: tier, score, SLA time left, age, re-engagement, id. */
export function compareQueueOrder(a: QueueFields, b: QueueFields): number {
  return tierRank[a.tier] - tierRank[b.tier]
    || b.score - a.score
    || Math.sign(slaKey(a) - slaKey(b))
    || Date.parse(a.created_at) - Date.parse(b.created_at)
    || b.reengaged_count - a.reengaged_count
    || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The leads ready now, best first, without those the rep already handled on this device. */
export function readyInOrder<T extends { lead: QueueFields }>(entries: readonly T[], now: number, handled: ReadonlySet<string>): T[] {
  return entries
    .filter(entry => !handled.has(entry.lead.id) && isReady(entry.lead, now))
    .sort((a, b) => compareQueueOrder(a.lead, b.lead))
}
