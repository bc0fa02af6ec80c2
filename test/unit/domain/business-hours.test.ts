import type { BusinessCalendar, TimeWindow, Weekday } from '@domain/business-hours.ts'
import { TZDate } from '@date-fns/tz'
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isOpen,
  nextAttemptAt,
  nextOpening,
  slaDeadlines,
} from '@domain/business-hours.ts'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const nineToFive: TimeWindow[] = [{ start: '09:00', end: '17:00' }]

function weekdaysCalendar(timeZone: string, windows: TimeWindow[] = nineToFive, holidays: string[] = []): BusinessCalendar {
  return { timeZone, weeklyHours: { 1: windows, 2: windows, 3: windows, 4: windows, 5: windows }, holidays }
}

function everyDay(timeZone: string, windows: TimeWindow[]): BusinessCalendar {
  return { timeZone, weeklyHours: { 0: windows, 1: windows, 2: windows, 3: windows, 4: windows, 5: windows, 6: windows }, holidays: [] }
}

const at = (iso: string) => new Date(iso)
const iso = (date: Date | null) => date?.toISOString() ?? null

const newYork = weekdaysCalendar('America/New_York', nineToFive, ['2025-07-04', '2025-12-25'])
const berlin = weekdaysCalendar('Europe/Berlin', [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }], ['2025-12-25', '2025-12-26'])

describe('isOpen and nextOpening', () => {
  it('is open from the opening minute up to, not including, the closing minute', () => {
    // Tuesday 2025-01-14, New York is UTC-5 in winter.
    expect(isOpen(newYork, at('2025-01-14T13:59:59.999Z'))).toBe(false)
    expect(isOpen(newYork, at('2025-01-14T14:00:00Z'))).toBe(true)
    expect(isOpen(newYork, at('2025-01-14T21:59:59.999Z'))).toBe(true)
    expect(isOpen(newYork, at('2025-01-14T22:00:00Z'))).toBe(false)
  })

  it('returns the same instant when already open', () => {
    expect(iso(nextOpening(newYork, at('2025-01-14T15:12:34.567Z')))).toBe('2025-01-14T15:12:34.567Z')
  })

  it('moves a Saturday arrival to Monday morning', () => {
    expect(iso(nextOpening(newYork, at('2025-01-18T16:00:00Z')))).toBe('2025-01-20T14:00:00.000Z')
  })

  it('moves an arrival exactly at closing time to the next morning', () => {
    expect(iso(nextOpening(newYork, at('2025-01-14T22:00:00Z')))).toBe('2025-01-15T14:00:00.000Z')
  })

  it('moves an arrival after Friday close over the weekend', () => {
    expect(iso(nextOpening(newYork, at('2025-01-17T23:30:00Z')))).toBe('2025-01-20T14:00:00.000Z')
  })

  it('skips holidays, including one next to a weekend', () => {
    // Thursday 2025-12-25 is a holiday: Wednesday evening opens Friday.
    expect(iso(nextOpening(newYork, at('2025-12-24T23:00:00Z')))).toBe('2025-12-26T14:00:00.000Z')
    // Berlin closes on the 25th and 26th (Thursday, Friday): the next opening is Monday.
    expect(iso(nextOpening(berlin, at('2025-12-24T17:30:00Z')))).toBe('2025-12-29T08:00:00.000Z')
    expect(isOpen(newYork, at('2025-07-04T15:00:00Z'))).toBe(false)
  })

  it('skips a lunch break', () => {
    // Berlin winter is UTC+1: 12:30 local is 11:30Z, the afternoon opens 13:00 local.
    expect(isOpen(berlin, at('2025-01-14T11:30:00Z'))).toBe(false)
    expect(iso(nextOpening(berlin, at('2025-01-14T11:30:00Z')))).toBe('2025-01-14T12:00:00.000Z')
  })

  it('treats null and alwaysOpen calendars as 24/7', () => {
    const sunday3am = at('2025-01-19T08:00:00Z')
    expect(isOpen(null, sunday3am)).toBe(true)
    expect(isOpen({ ...newYork, alwaysOpen: true }, sunday3am)).toBe(true)
    expect(iso(nextOpening(undefined, sunday3am))).toBe('2025-01-19T08:00:00.000Z')
  })

  it('uses the calendar time zone, not the machine one', () => {
    const kolkata = weekdaysCalendar('Asia/Kolkata')
    // 09:00 IST is 03:30Z.
    expect(iso(nextOpening(kolkata, at('2025-01-14T00:00:00Z')))).toBe('2025-01-14T03:30:00.000Z')
    const kathmandu = weekdaysCalendar('Asia/Kathmandu')
    // UTC+5:45.
    expect(iso(nextOpening(kathmandu, at('2025-01-14T00:00:00Z')))).toBe('2025-01-14T03:15:00.000Z')
  })
})

describe('addBusinessMinutes', () => {
  it('adds within one window', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T15:00:00Z'), 90))).toBe('2025-01-14T16:30:00.000Z')
  })

  it('returns the start unchanged for zero minutes while open', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T15:00:00Z'), 0))).toBe('2025-01-14T15:00:00.000Z')
  })

  it('returns the next opening for zero minutes after hours', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T23:00:00Z'), 0))).toBe('2025-01-15T14:00:00.000Z')
  })

  it('lands on closing time when the window is used up exactly', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T21:00:00Z'), 60))).toBe('2025-01-14T22:00:00.000Z')
  })

  it('carries the rest to the next business day', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T21:00:00Z'), 61))).toBe('2025-01-15T14:01:00.000Z')
  })

  it('clocks a lead arriving on a closed day from the next opening', () => {
    // Sunday: 30 business minutes run from Monday 09:00.
    expect(iso(addBusinessMinutes(newYork, at('2025-01-19T15:00:00Z'), 30))).toBe('2025-01-20T14:30:00.000Z')
  })

  it('clocks a lead arriving exactly at close from the next opening', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T22:00:00Z'), 15))).toBe('2025-01-15T14:15:00.000Z')
  })

  it('spans a weekend', () => {
    // Friday 16:00 + 2 h = Monday 10:00.
    expect(iso(addBusinessMinutes(newYork, at('2025-01-17T21:00:00Z'), 120))).toBe('2025-01-20T15:00:00.000Z')
  })

  it('spans a holiday', () => {
    // Wednesday 2025-12-24 16:30 + 60 min: 30 that day, Thursday is a holiday, 30 on Friday.
    expect(iso(addBusinessMinutes(newYork, at('2025-12-24T21:30:00Z'), 60))).toBe('2025-12-26T14:30:00.000Z')
    // Berlin: Wednesday 17:30 + 60 min: 30 that day, Thu+Fri holidays, weekend, Monday 09:30.
    expect(iso(addBusinessMinutes(berlin, at('2025-12-24T16:30:00Z'), 60))).toBe('2025-12-29T08:30:00.000Z')
  })

  it('skips a lunch break', () => {
    // Berlin 11:30 + 60 min = 13:30 (30 before lunch, 30 after).
    expect(iso(addBusinessMinutes(berlin, at('2025-01-14T10:30:00Z'), 60))).toBe('2025-01-14T12:30:00.000Z')
  })

  it('adds calendar minutes on 24/7 calendars', () => {
    expect(iso(addBusinessMinutes(null, at('2025-01-18T23:50:00Z'), 30))).toBe('2025-01-19T00:20:00.000Z')
    expect(iso(addBusinessMinutes({ ...newYork, alwaysOpen: true }, at('2025-01-18T23:50:00Z'), 30))).toBe('2025-01-19T00:20:00.000Z')
  })

  it('handles very large spans', () => {
    const utcWeekdays = weekdaysCalendar('UTC', [{ start: '00:00', end: '24:00' }])
    const monday = at('2025-01-06T00:00:00Z')
    // 100 weeks of five 24-hour days end at the close of the 100th Friday (Saturday 00:00).
    const end = addBusinessMinutes(utcWeekdays, monday, 100 * 5 * 1440)
    expect(iso(end)).toBe(new Date(monday.getTime() + (99 * 7 + 5) * 86_400_000).toISOString())
    const farAway = addBusinessMinutes(newYork, monday, 1_000_000)
    expect(businessMinutesBetween(newYork, monday, farAway)).toBe(1_000_000)
  })

  it('keeps fractions of a minute to the millisecond', () => {
    expect(iso(addBusinessMinutes(newYork, at('2025-01-14T15:00:00Z'), 0.5))).toBe('2025-01-14T15:00:30.000Z')
  })

  it('rejects negative, infinite and NaN minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(newYork, at('2025-01-14T15:00:00Z'), -1)).toThrow(RangeError)
    expect(() => addBusinessMinutes(newYork, at('2025-01-14T15:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(RangeError)
    expect(() => addBusinessMinutes(newYork, at('2025-01-14T15:00:00Z'), Number.NaN)).toThrow(RangeError)
    expect(() => addBusinessMinutes(newYork, new Date('nope'), 5)).toThrow(RangeError)
  })
})

describe('daylight saving time', () => {
  // America/New_York: 2025-03-09 02:00 EST jumps to 03:00 EDT; 2025-11-02 02:00 EDT falls back to 01:00 EST.
  // Europe/Berlin: 2025-03-30 02:00 CET jumps to 03:00 CEST; 2025-10-26 03:00 CEST falls back to 02:00 CET.
  it('keeps local opening times across the spring change in New York', () => {
    // Friday before: 9:00 EST = 14:00Z. Monday after: 9:00 EDT = 13:00Z.
    expect(iso(addBusinessMinutes(newYork, at('2025-03-07T21:30:00Z'), 60))).toBe('2025-03-10T13:30:00.000Z')
  })

  it('keeps local opening times across the autumn change in Berlin', () => {
    // Friday 17:30 CEST (15:30Z) + 60: 30 on Friday, Monday 09:30 CET = 08:30Z.
    expect(iso(addBusinessMinutes(berlin, at('2025-10-24T15:30:00Z'), 60))).toBe('2025-10-27T08:30:00.000Z')
  })

  it('counts the lost hour out of a 24-hour day in spring and the extra hour in autumn', () => {
    const ny = everyDay('America/New_York', [{ start: '00:00', end: '24:00' }])
    expect(businessMinutesBetween(ny, at('2025-03-09T05:00:00Z'), at('2025-03-10T04:00:00Z'))).toBe(23 * 60)
    expect(businessMinutesBetween(ny, at('2025-11-02T04:00:00Z'), at('2025-11-03T05:00:00Z'))).toBe(25 * 60)
    const de = everyDay('Europe/Berlin', [{ start: '00:00', end: '24:00' }])
    expect(businessMinutesBetween(de, at('2025-03-29T23:00:00Z'), at('2025-03-30T22:00:00Z'))).toBe(23 * 60)
    expect(businessMinutesBetween(de, at('2025-10-25T22:00:00Z'), at('2025-10-26T23:00:00Z'))).toBe(25 * 60)
  })

  it('treats a 02:00-03:00 window on the spring-forward night as empty', () => {
    const nightShift: BusinessCalendar = { timeZone: 'America/New_York', weeklyHours: { 0: [{ start: '02:00', end: '03:00' }] }, holidays: [] }
    // Saturday 2025-03-08: that Sunday's window does not exist, the next one is 2025-03-16 02:00 EDT.
    expect(iso(nextOpening(nightShift, at('2025-03-08T12:00:00Z')))).toBe('2025-03-16T06:00:00.000Z')
    expect(businessMinutesBetween(nightShift, at('2025-03-08T00:00:00Z'), at('2025-03-10T00:00:00Z'))).toBe(0)
    const berlinNight: BusinessCalendar = { timeZone: 'Europe/Berlin', weeklyHours: { 0: [{ start: '02:00', end: '03:00' }] }, holidays: [] }
    expect(iso(nextOpening(berlinNight, at('2025-03-29T12:00:00Z')))).toBe('2025-04-06T00:00:00.000Z')
  })

  it('opens a window that starts inside the spring gap at the jump', () => {
    const cal: BusinessCalendar = { timeZone: 'America/New_York', weeklyHours: { 0: [{ start: '02:30', end: '04:00' }] }, holidays: [] }
    // The clocks never show 02:30; they jump to 03:00 EDT (07:00Z) and close at 04:00 EDT.
    expect(iso(nextOpening(cal, at('2025-03-09T05:00:00Z')))).toBe('2025-03-09T07:00:00.000Z')
    expect(businessMinutesBetween(cal, at('2025-03-09T00:00:00Z'), at('2025-03-10T00:00:00Z'))).toBe(60)
  })

  it('closes a window that ends inside the spring gap at the jump', () => {
    const cal: BusinessCalendar = { timeZone: 'America/New_York', weeklyHours: { 0: [{ start: '01:00', end: '02:30' }] }, holidays: [] }
    expect(businessMinutesBetween(cal, at('2025-03-09T00:00:00Z'), at('2025-03-10T00:00:00Z'))).toBe(60)
    expect(isOpen(cal, at('2025-03-09T07:00:00Z'))).toBe(false)
  })

  it('counts both runs of the repeated autumn hour', () => {
    const cal: BusinessCalendar = { timeZone: 'America/New_York', weeklyHours: { 0: [{ start: '01:00', end: '02:00' }] }, holidays: [] }
    // 01:00 EDT (05:00Z) to 02:00 EST (07:00Z).
    expect(businessMinutesBetween(cal, at('2025-11-02T00:00:00Z'), at('2025-11-03T00:00:00Z'))).toBe(120)
    expect(isOpen(cal, at('2025-11-02T06:30:00Z'))).toBe(true)
    const berlinNight: BusinessCalendar = { timeZone: 'Europe/Berlin', weeklyHours: { 0: [{ start: '02:00', end: '03:00' }] }, holidays: [] }
    // 02:00 CEST (00:00Z) to 03:00 CET (02:00Z).
    expect(businessMinutesBetween(berlinNight, at('2025-10-25T12:00:00Z'), at('2025-10-26T12:00:00Z'))).toBe(120)
  })

  it('adds across the spring gap of a night window without losing or inventing minutes', () => {
    const cal = everyDay('Europe/Berlin', [{ start: '00:00', end: '06:00' }])
    // Sunday 2025-03-30 00:00 CET = 2025-03-29T23:00Z; that night has 5 real hours (02:00-03:00 is skipped).
    const sunday = at('2025-03-29T23:00:00Z')
    expect(iso(addBusinessMinutes(cal, sunday, 300))).toBe('2025-03-30T04:00:00.000Z')
    expect(iso(addBusinessMinutes(cal, sunday, 301))).toBe('2025-03-30T22:01:00.000Z')
  })
})

describe('overnight windows', () => {
  const nights: BusinessCalendar = { timeZone: 'UTC', weeklyHours: { 5: [{ start: '22:00', end: '06:00' }] }, holidays: [] }

  it('runs a window past midnight into the next day', () => {
    // Friday 2025-01-17 22:00 to Saturday 06:00.
    expect(isOpen(nights, at('2025-01-18T03:00:00Z'))).toBe(true)
    expect(isOpen(nights, at('2025-01-18T06:00:00Z'))).toBe(false)
    expect(iso(addBusinessMinutes(nights, at('2025-01-18T05:00:00Z'), 90))).toBe('2025-01-24T22:30:00.000Z')
    expect(businessMinutesBetween(nights, at('2025-01-17T00:00:00Z'), at('2025-01-19T00:00:00Z'))).toBe(480)
  })

  it('skips the whole night when the starting day is a holiday', () => {
    expect(isOpen({ ...nights, holidays: ['2025-01-17'] }, at('2025-01-18T03:00:00Z'))).toBe(false)
  })

  it('does not count an overlap with the next day twice', () => {
    const overlapping: BusinessCalendar = {
      timeZone: 'UTC',
      weeklyHours: { 1: [{ start: '20:00', end: '04:00' }], 2: [{ start: '02:00', end: '08:00' }] },
      holidays: [],
    }
    // Monday 20:00 to Tuesday 08:00 without a break: 12 hours.
    expect(businessMinutesBetween(overlapping, at('2025-01-13T00:00:00Z'), at('2025-01-15T00:00:00Z'))).toBe(720)
  })
})

describe('businessMinutesBetween', () => {
  it('is zero for the same instant and for closed spans', () => {
    expect(businessMinutesBetween(newYork, at('2025-01-14T15:00:00Z'), at('2025-01-14T15:00:00Z'))).toBe(0)
    expect(businessMinutesBetween(newYork, at('2025-01-18T00:00:00Z'), at('2025-01-19T23:00:00Z'))).toBe(0)
  })

  it('is negative when the end comes first', () => {
    expect(businessMinutesBetween(newYork, at('2025-01-14T16:00:00Z'), at('2025-01-14T15:00:00Z'))).toBe(-60)
  })

  it('counts a full week and a week with a holiday', () => {
    expect(businessMinutesBetween(newYork, at('2025-01-12T00:00:00Z'), at('2025-01-19T00:00:00Z'))).toBe(5 * 480)
    expect(businessMinutesBetween(newYork, at('2025-12-21T00:00:00Z'), at('2025-12-28T00:00:00Z'))).toBe(4 * 480)
  })

  it('counts calendar minutes on 24/7', () => {
    expect(businessMinutesBetween(null, at('2025-01-14T15:00:00Z'), at('2025-01-15T15:00:00Z'))).toBe(1440)
  })
})

describe('invalid calendars', () => {
  it('rejects unknown time zones, bad clock times, bad holidays and calendars that never open', () => {
    const t = at('2025-01-14T15:00:00Z')
    expect(() => isOpen(weekdaysCalendar('Mars/Olympus_Mons'), t)).toThrow(RangeError)
    expect(() => isOpen(weekdaysCalendar('UTC', [{ start: '9:00', end: '17:00' }]), t)).toThrow(RangeError)
    expect(() => isOpen(weekdaysCalendar('UTC', [{ start: '09:00', end: '09:00' }]), t)).toThrow(RangeError)
    expect(() => isOpen(weekdaysCalendar('UTC', nineToFive, ['2025-02-30']), t)).toThrow(RangeError)
    expect(() => isOpen({ timeZone: 'UTC', weeklyHours: {}, holidays: [] }, t)).toThrow(/no opening hours/)
  })

  it('finds the first working day after a long run of holidays', () => {
    const days = Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10))
    // The last holiday is Wednesday 2026-02-04.
    expect(iso(nextOpening(weekdaysCalendar('UTC', nineToFive, days), at('2025-01-01T00:00:00Z')))).toBe('2026-02-05T09:00:00.000Z')
  })

  it('finds an opening behind a long run of holidays', () => {
    const sundaysOnly: BusinessCalendar = { timeZone: 'UTC', weeklyHours: { 0: nineToFive }, holidays: [] }
    const sundays = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2025, 0, 5 + 7 * i)).toISOString().slice(0, 10))
    expect(iso(nextOpening({ ...sundaysOnly, holidays: sundays }, at('2025-01-01T00:00:00Z')))).toBe(`${new Date(Date.UTC(2025, 0, 5 + 7 * 60)).toISOString().slice(0, 10)}T09:00:00.000Z`)
  })
})

describe('slaDeadlines', () => {
  it('reminds at half the window and escalates at twice the window by default', () => {
    const deadlines = slaDeadlines({ responseMinutes: 60 }, newYork, at('2025-01-14T15:00:00Z'))
    expect(iso(deadlines.clockStartsAt)).toBe('2025-01-14T15:00:00.000Z')
    expect(iso(deadlines.remindAt)).toBe('2025-01-14T15:30:00.000Z')
    expect(iso(deadlines.dueAt)).toBe('2025-01-14T16:00:00.000Z')
    expect(iso(deadlines.escalateAt)).toBe('2025-01-14T17:00:00.000Z')
  })

  it('clocks an after-hours lead from the next opening, all three times in business minutes', () => {
    // Friday 16:30 EST, 60-minute window: 30 minutes Friday, the rest Monday.
    const deadlines = slaDeadlines({ responseMinutes: 60, remindAtPct: 25, escalateFactor: 3 }, newYork, at('2025-01-17T21:30:00Z'))
    expect(iso(deadlines.clockStartsAt)).toBe('2025-01-17T21:30:00.000Z')
    expect(iso(deadlines.remindAt)).toBe('2025-01-17T21:45:00.000Z')
    expect(iso(deadlines.dueAt)).toBe('2025-01-20T14:30:00.000Z')
    expect(iso(deadlines.escalateAt)).toBe('2025-01-20T16:30:00.000Z')
    const overnight = slaDeadlines({ responseMinutes: 30 }, newYork, at('2025-01-18T03:00:00Z'))
    expect(iso(overnight.clockStartsAt)).toBe('2025-01-20T14:00:00.000Z')
    expect(iso(overnight.dueAt)).toBe('2025-01-20T14:30:00.000Z')
  })

  it('runs 24/7 for a policy without a calendar', () => {
    const deadlines = slaDeadlines({ responseMinutes: 5 }, null, at('2025-01-18T03:00:00Z'))
    expect(iso(deadlines.dueAt)).toBe('2025-01-18T03:05:00.000Z')
    expect(iso(deadlines.remindAt)).toBe('2025-01-18T03:02:30.000Z')
    expect(iso(deadlines.escalateAt)).toBe('2025-01-18T03:10:00.000Z')
  })

  it('rejects nonsense policies', () => {
    const t = at('2025-01-14T15:00:00Z')
    expect(() => slaDeadlines({ responseMinutes: 0 }, null, t)).toThrow(RangeError)
    expect(() => slaDeadlines({ responseMinutes: 10, remindAtPct: 120 }, null, t)).toThrow(RangeError)
    expect(() => slaDeadlines({ responseMinutes: 10, escalateFactor: 0.5 }, null, t)).toThrow(RangeError)
  })
})

describe('nextAttemptAt', () => {
  const cadence = [240, 960] // three touches: wait half a day, then two days

  it('schedules each follow-up in business minutes from the attempt', () => {
    // Tuesday 15:00 EST + 240 business minutes: 120 until the 17:00 close, 120 from Wednesday 09:00.
    expect(iso(nextAttemptAt(cadence, 1, newYork, at('2025-01-14T20:00:00Z')))).toBe('2025-01-15T16:00:00.000Z')
    expect(iso(nextAttemptAt(cadence, 2, newYork, at('2025-01-15T16:00:00Z')))).toBe('2025-01-17T16:00:00.000Z')
  })

  it('returns null after the last attempt so the lead goes to nurture', () => {
    expect(nextAttemptAt(cadence, 3, newYork, at('2025-01-17T16:00:00Z'))).toBeNull()
    expect(nextAttemptAt([], 1, newYork, at('2025-01-17T16:00:00Z'))).toBeNull()
    expect(nextAttemptAt(null, 1, newYork, at('2025-01-17T16:00:00Z'))).toBeNull()
  })

  it('stops after maxAttempts and repeats the last gap beyond the cadence', () => {
    // The seeded HOT policy: gaps of 30, 240, 1440 minutes on 24/7, four attempts.
    const t = at('2025-01-17T16:00:00Z')
    expect(iso(nextAttemptAt([30, 240, 1440], 3, null, t, 4))).toBe('2025-01-18T16:00:00.000Z')
    expect(nextAttemptAt([30, 240, 1440], 4, null, t, 4)).toBeNull()
    // Five attempts with two gaps: the third gap repeats the second.
    expect(iso(nextAttemptAt([240, 1440], 3, null, t, 5))).toBe('2025-01-18T16:00:00.000Z')
    expect(iso(nextAttemptAt([240, 1440], 4, null, t, 5))).toBe('2025-01-18T16:00:00.000Z')
    expect(nextAttemptAt([240, 1440], 5, null, t, 5)).toBeNull()
    // Fewer attempts than the cadence allows.
    expect(nextAttemptAt([240, 1440], 1, null, t, 1)).toBeNull()
  })

  it('rejects attempt numbers that are not positive integers', () => {
    expect(() => nextAttemptAt(cadence, 0, newYork, at('2025-01-17T16:00:00Z'))).toThrow(RangeError)
    expect(() => nextAttemptAt(cadence, 1.5, newYork, at('2025-01-17T16:00:00Z'))).toThrow(RangeError)
  })
})

// ---- Properties, checked against a wall-clock oracle built on TZDate. ----

const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Sydney', 'America/Santiago', 'UTC']
// Instants near the 2025 daylight-saving changes of these zones, so that many runs cross one.
const transitions = ['2025-03-09T07:00:00Z', '2025-03-30T01:00:00Z', '2025-04-05T16:00:00Z', '2025-10-04T16:00:00Z', '2025-10-26T01:00:00Z', '2025-11-02T06:00:00Z', '2025-04-06T03:00:00Z', '2025-09-07T04:00:00Z'].map(t => Date.parse(t))

// Whole-hour boundaries: a boundary inside a repeated autumn hour (e.g. 01:30 in New York) is the
// one place where "first occurrence" and a naive wall-clock reading disagree by design.
const windowArb = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 24 }))
  .filter(([start, length]) => start + length <= 24)
  .map(([start, length]): TimeWindow => ({ start: `${String(start).padStart(2, '0')}:00`, end: `${String(start + length).padStart(2, '0')}:00` }))

function sortedNonOverlapping(windows: TimeWindow[]): TimeWindow[] {
  const sorted = [...windows].sort((a, b) => a.start.localeCompare(b.start))
  const result: TimeWindow[] = []
  for (const window of sorted) {
    const previous = result.at(-1)
    if (previous && window.start < previous.end) continue
    result.push(window)
  }
  return result
}

const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timeZone: fc.constantFrom(...zones),
    // Half the calendars have the same hours every day, so a change night is more often a working one.
    days: fc.oneof(
      fc.array(fc.array(windowArb, { maxLength: 3 }).map(sortedNonOverlapping), { minLength: 7, maxLength: 7 }),
      fc.array(windowArb, { minLength: 1, maxLength: 3 }).map(sortedNonOverlapping).map(windows => Array.from({ length: 7 }, () => windows)),
    ),
    holidays: fc.array(fc.integer({ min: 0, max: 365 }).map(d => new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10)), { maxLength: 30 }),
  })
  .filter(({ days }) => days.some(day => day.length > 0))
  .map(({ timeZone, days, holidays }) => ({
    timeZone,
    weeklyHours: Object.fromEntries(days.map((windows, i) => [String(i), windows])) as Partial<Record<Weekday, TimeWindow[]>>,
    holidays,
  }))

const instantArb = fc.oneof(
  fc.integer({ min: Date.parse('2024-12-01T00:00:00Z'), max: Date.parse('2026-01-31T00:00:00Z') }),
  fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })).map(([t, d]) => t + d),
)

/** Is the wall clock of `calendar`'s zone inside one of that local day's windows at `ms`? */
function oracleOpen(calendar: BusinessCalendar, ms: number): boolean {
  const local = new TZDate(ms, calendar.timeZone)
  const date = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`
  if (calendar.holidays.includes(date)) return false
  const minute = local.getHours() * 60 + local.getMinutes()
  const windows = calendar.weeklyHours[String(local.getDay()) as Weekday] ?? []
  return windows.some(({ start, end }) => {
    const from = Number(start.slice(0, 2)) * 60 + Number(start.slice(3))
    const to = Number(end.slice(0, 2)) * 60 + Number(end.slice(3))
    return minute >= from && minute < to
  })
}

describe('properties', () => {
  it('businessMinutesBetween undoes addBusinessMinutes', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 20_000 }), (calendar, fromMs, minutes) => {
        const from = new Date(fromMs)
        const end = addBusinessMinutes(calendar, from, minutes)
        expect(end.getTime()).toBeGreaterThanOrEqual(fromMs)
        expect(businessMinutesBetween(calendar, from, end)).toBe(minutes)
        // Time before the next opening never counts.
        expect(end.getTime()).toBe(addBusinessMinutes(calendar, nextOpening(calendar, from), minutes).getTime())
      }),
      { numRuns: 300 },
    )
  }, 60_000)

  it('addBusinessMinutes is monotonic in minutes', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (calendar, fromMs, a, b) => {
        const from = new Date(fromMs)
        const [low, high] = a <= b ? [a, b] : [b, a]
        expect(addBusinessMinutes(calendar, from, low).getTime()).toBeLessThanOrEqual(addBusinessMinutes(calendar, from, high).getTime())
      }),
      { numRuns: 200 },
    )
  }, 60_000)

  it('businessMinutesBetween is additive over a split point', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, instantArb, (calendar, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q).map(ms => new Date(ms))
        const whole = businessMinutesBetween(calendar, a, c)
        expect(businessMinutesBetween(calendar, a, b) + businessMinutesBetween(calendar, b, c)).toBeCloseTo(whole, 6)
      }),
      { numRuns: 100 },
    )
  }, 60_000)

  it('agrees with a wall-clock oracle minute by minute across daylight-saving changes', () => {
    const step = 5 * 60_000
    fc.assert(
      fc.property(calendarArb, fc.constantFrom(...transitions), fc.integer({ min: -36, max: 12 }), (calendar, transition, hours) => {
        const from = Math.floor((transition + hours * 3_600_000) / step) * step
        const to = from + 48 * 3_600_000
        let openSamples = 0
        for (let ms = from; ms < to; ms += step) {
          const expected = oracleOpen(calendar, ms)
          if (isOpen(calendar, new Date(ms)) !== expected) {
            throw new Error(`isOpen disagrees at ${new Date(ms).toISOString()} in ${calendar.timeZone}: expected ${expected}`)
          }
          if (expected) openSamples += 1
        }
        // Every boundary is a whole local hour and every offset a multiple of 15 minutes, so
        // 5-minute samples count business time exactly.
        expect(businessMinutesBetween(calendar, new Date(from), new Date(to))).toBe(openSamples * 5)
      }),
      { numRuns: 60 },
    )
  }, 60_000)
})
