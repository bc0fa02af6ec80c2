// When a lead's ladder steps fall due, in business minutes of its SLA policy's calendar: the
// reminder at remind_at_pct of the window after the clock started, the escalation at
// escalate_factor times the window after the original clock started (escalate_factor - 1 windows
// after the breach, which is when that clock ran out). Pure.
import { calendarOf } from '../_shared/assignment/sla-clock.ts'
import type { SlaPolicyRow } from '../_shared/assignment/sla-clock.ts'
import type { CalendarOrAlwaysOpen } from '../_shared/domain/business-hours.ts'
import { addBusinessMinutes, DEFAULT_ESCALATE_FACTOR, DEFAULT_REMIND_AT_PCT } from '../_shared/domain/business-hours.ts'

export interface LadderTerms {
  windowMinutes: number
  remindAtPct: number
  escalateFactor: number
  calendar: CalendarOrAlwaysOpen
}

/**
 * The ladder of a lead under `policy`. A lead whose policy was deleted keeps the clock it has:
 * its window is the time from clock start to due, counted 24/7, with the default ladder.
 */
export function ladderTerms(policy: SlaPolicyRow | null, clock: { startedAt: Date, dueAt: Date }): LadderTerms {
  if (policy === null) {
    return {
      windowMinutes: Math.max(0, (clock.dueAt.getTime() - clock.startedAt.getTime()) / 60_000),
      remindAtPct: DEFAULT_REMIND_AT_PCT,
      escalateFactor: DEFAULT_ESCALATE_FACTOR,
      calendar: null,
    }
  }
  return {
    windowMinutes: policy.target_minutes,
    remindAtPct: policy.remind_at_pct,
    escalateFactor: Number(policy.escalate_factor),
    calendar: calendarOf(policy),
  }
}

// Same rule as the clock at assignment (startSlaClock): a calendar that cannot be used counts 24/7.
function add(calendar: CalendarOrAlwaysOpen, from: Date, minutes: number): Date {
  try {
    return addBusinessMinutes(calendar, from, minutes)
  }
  catch {
    return addBusinessMinutes(null, from, minutes)
  }
}

/** When the owner of a clock started at `startedAt` is reminded. */
export function remindAt(terms: LadderTerms, startedAt: Date): Date {
  return add(terms.calendar, startedAt, terms.windowMinutes * terms.remindAtPct / 100)
}

/** When a lead that breached at `breachedAt` (its original due time) moves to the fallback queue. */
export function escalateAt(terms: LadderTerms, breachedAt: Date): Date {
  return add(terms.calendar, breachedAt, terms.windowMinutes * Math.max(0, terms.escalateFactor - 1))
}

/**
 * Until when an escalation's alerts are worth delivering: one more SLA window after the
 * escalation, in the policy's business time, the time the fallback owner has to act on it. The
 * ladder has no later step; past that the lead waits in the fallback queue on the manager's board,
 * and a phone that was off all along should not buzz about it hours later.
 */
export function escalationAlertDeadline(terms: LadderTerms, escalatedAt: Date): Date {
  return add(terms.calendar, escalatedAt, terms.windowMinutes)
}
