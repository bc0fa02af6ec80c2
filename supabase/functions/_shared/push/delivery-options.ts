// Web Push protocol headers (RFC 8030) chosen per lead. Pure.
import type { LeadPushPayload } from './payload.ts'

/**
 * Upper bound on how long a push service keeps an undelivered alert. web-push defaults to four
 * weeks; a day covers a lead that arrives overnight with an SLA due the next business morning.
 */
export const MAX_PUSH_TTL_SECONDS = 24 * 60 * 60

/** RFC 8030 §5.4: at most 32 characters of the URL- and filename-safe base64 alphabet. */
export const MAX_TOPIC_LENGTH = 32

/**
 * Seconds the push service may hold the message: until `slaDueAt`, never past the cap. That is the
 * lead's SLA due time, or for an alert about the ladder's next step the time that step falls due
 * (a breach alert until the escalation, an escalation alert for one more SLA window: see
 * sla-escalator/ladder-times.ts). A time already past gets 0: deliver now if the device is
 * reachable, otherwise drop, since a late buzz about it helps nobody. Null (test notifications,
 * callback reminders) gets the cap.
 */
export function pushTtlSeconds(slaDueAt: string | null, now: number, maxSeconds = MAX_PUSH_TTL_SECONDS): number {
  if (slaDueAt == null)
    return maxSeconds
  const due = Date.parse(slaDueAt)
  if (Number.isNaN(due))
    throw new RangeError(`slaDueAt is not a timestamp: ${slaDueAt}`)
  const remaining = Math.floor((due - now) / 1000)
  return Math.min(maxSeconds, Math.max(0, remaining))
}

/** HOT leads ask the push service to wake the device now; everything else may wait for its power budget. */
export function pushUrgency(payload: LeadPushPayload): 'high' | 'normal' {
  return payload.tier === 'HOT' && payload.kind !== 'test' ? 'high' : 'normal'
}

/**
 * One topic per lead, so a newer alert about the same lead replaces one still undelivered.
 * Lead ids are UUIDs: without their dashes exactly 32 hex characters, so nothing unique is cut.
 */
export function pushTopic(payload: LeadPushPayload): string {
  const safe = (payload.leadId ?? '').replace(/[^A-Za-z0-9]/g, '').slice(0, MAX_TOPIC_LENGTH)
  return safe === '' ? 'pronto-test' : safe
}
