// When the ladder's steps fall due, in business minutes.
import { describe, expect, it } from 'vitest'
import type { SlaPolicyRow } from '../../../supabase/functions/_shared/assignment/sla-clock.ts'
import { startSlaClock } from '../../../supabase/functions/_shared/assignment/sla-clock.ts'
import { escalateAt, escalationAlertDeadline, ladderTerms, remindAt } from '../../../supabase/functions/sla-escalator/ladder-times.ts'

const weekdays = Object.fromEntries(['1', '2', '3', '4', '5'].map(day => [day, [{ start: '09:00', end: '17:00' }]]))
const newYork: SlaPolicyRow = {
  id: 'warm',
  target_minutes: 60,
  remind_at_pct: 50,
  escalate_factor: '2',
  calendar_id: 'ny',
  time_zone: 'America/New_York',
  weekly_hours: weekdays,
  holidays: ['2025-01-20'],
  always_open: false,
}
const at = (iso: string) => new Date(iso)

describe('the ladder of a policy on business hours', () => {
  it('matches the clock started at assignment: remind at 50%, escalate at 2x the window', () => {
    const clock = startSlaClock(newYork, at('2025-01-06T15:00:00Z'))
    const terms = ladderTerms(newYork, { startedAt: clock.deadlines.clockStartsAt, dueAt: clock.deadlines.dueAt })
    expect(remindAt(terms, clock.deadlines.clockStartsAt)).toEqual(clock.deadlines.remindAt)
    expect(escalateAt(terms, clock.deadlines.dueAt)).toEqual(clock.deadlines.escalateAt)
  })

  it('counts only open hours: a clock started late on Friday is reminded and escalated on Monday', () => {
    // Friday 2025-01-10 16:40 New York: 20 minutes left that day.
    const started = at('2025-01-10T21:40:00Z')
    const terms = ladderTerms(newYork, { startedAt: started, dueAt: at('2025-01-13T14:40:00Z') })
    expect(remindAt(terms, started)).toEqual(at('2025-01-13T14:10:00Z'))
    // Breached Monday 09:40; one more window: 10:40.
    expect(escalateAt(terms, at('2025-01-13T14:40:00Z'))).toEqual(at('2025-01-13T15:40:00Z'))
  })

  it('skips holidays and honours the policy\'s own percentage and factor', () => {
    const terms = ladderTerms({ ...newYork, remind_at_pct: 25, escalate_factor: 3 }, { startedAt: at('2025-01-17T21:30:00Z'), dueAt: at('2025-01-21T14:30:00Z') })
    // Friday 16:30 + 15 business minutes: 16:45.
    expect(remindAt(terms, at('2025-01-17T21:30:00Z'))).toEqual(at('2025-01-17T21:45:00Z'))
    // Breached Tuesday 09:30 (Monday the 20th is a holiday); two more windows: 11:30.
    expect(escalateAt(terms, at('2025-01-21T14:30:00Z'))).toEqual(at('2025-01-21T16:30:00Z'))
  })
})

describe('the ladder without a usable policy', () => {
  it('counts 24/7 when the calendar never opens, as the clock at assignment does', () => {
    const closed = { ...newYork, weekly_hours: {} }
    const terms = ladderTerms(closed, { startedAt: at('2025-01-06T15:00:00Z'), dueAt: at('2025-01-06T16:00:00Z') })
    expect(remindAt(terms, at('2025-01-06T15:00:00Z'))).toEqual(at('2025-01-06T15:30:00Z'))
    expect(startSlaClock(closed, at('2025-01-06T15:00:00Z')).deadlines.remindAt).toEqual(at('2025-01-06T15:30:00Z'))
  })

  it('keeps the clock a lead has when its policy was deleted, with the default ladder', () => {
    const terms = ladderTerms(null, { startedAt: at('2025-01-06T15:00:00Z'), dueAt: at('2025-01-06T15:10:00Z') })
    expect(terms).toMatchObject({ windowMinutes: 10, remindAtPct: 50, escalateFactor: 2, calendar: null })
    expect(remindAt(terms, at('2025-01-06T15:00:00Z'))).toEqual(at('2025-01-06T15:05:00Z'))
    expect(escalateAt(terms, at('2025-01-06T15:10:00Z'))).toEqual(at('2025-01-06T15:20:00Z'))
  })
})

describe('how long an escalation alert is worth delivering', () => {
  it('is one more window of business time after the escalation', () => {
    const terms = ladderTerms(newYork, { startedAt: at('2025-01-06T15:00:00Z'), dueAt: at('2025-01-06T16:00:00Z') })
    // Monday 12:00 New York + 60 business minutes: 13:00.
    expect(escalationAlertDeadline(terms, at('2025-01-06T17:00:00Z'))).toEqual(at('2025-01-06T18:00:00Z'))
    // Friday 16:30: the 30 minutes left, then Monday's first 30.
    expect(escalationAlertDeadline(terms, at('2025-01-10T21:30:00Z'))).toEqual(at('2025-01-13T14:30:00Z'))
  })
})
