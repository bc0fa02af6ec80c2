// When to try a push again after 429/5xx. Pure.
//
// Only within one send, for at most maxTotalMs: a push service that asks for a longer wait
// (Retry-After past the budget) gets a 'retry' outcome, recorded with retry_after_ms in the lead's
// events, and no later resend of that alert. On purpose: every alert is about a lead on the SLA
// ladder, and the ladder's next step (the reminder at its remind_at_pct, the breach, the
// escalation) sends a fresh alert about it, to whoever is then responsible, with the TTL that
// step warrants. A queued resend would race those, buzz about a lead that may have been called or
// moved meanwhile, and need state of its own for little gain.

export interface RetryPolicy {
  /** Attempts per subscription, the first one included. */
  maxAttempts: number
  /** Wait before the second attempt; doubles for each one after. */
  baseDelayMs: number
  /** Longest wait we choose ourselves (a Retry-After may ask for more, within the total budget). */
  maxDelayMs: number
  /** Time from the first attempt after which no further attempt starts. */
  maxTotalMs: number
}

/** Bounded so an edge function invocation never hangs on a struggling push service. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxTotalMs: 10_000,
}

/** Statuses worth retrying: the push service is rate limiting us or having trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns milliseconds to wait (0 for a date in the past), or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: number): number | null {
  const header = Array.isArray(value) ? value[0] : value
  if (header == null)
    return null
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed))
    return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date))
    return null
  return Math.max(0, date - now)
}

/** Exponential backoff for the attempt that just failed (1-based): base, 2×base, 4×base… capped. */
export function backoffDelayMs(failedAttempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1))
}

/**
 * The wait before the next attempt, or null to stop: attempts used up, or the wait would run past
 * the total budget. The wait is our backoff, or the server's Retry-After when that asks for longer.
 */
export function nextRetryDelayMs(
  failedAttempt: number,
  retryAfterMs: number | null,
  elapsedMs: number,
  policy: RetryPolicy,
): number | null {
  if (failedAttempt >= policy.maxAttempts)
    return null
  const delay = Math.max(retryAfterMs ?? 0, backoffDelayMs(failedAttempt, policy))
  if (elapsedMs + delay > policy.maxTotalMs)
    return null
  return delay
}
