import { addBusinessMinutes, businessMinutesBetween } from '@domain/business-hours.ts'
import type { BusinessCalendar, WeeklyHours } from '@domain/business-hours.ts'
import fc from 'fast-check'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { sqlState } from './as-user.ts'
import { createOrgFixture, insertRow } from './fixture.ts'
import type { OrgFixture } from './fixture.ts'

// The SQL twin of the TypeScript business-hours math: used by the follow-up cadence and metrics.
// The fixture calendar is New York, Monday to Friday 09:00-17:00, closed on 2026-12-25.

let sql: pg.Client
let org: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'business-time')
})
afterAll(async () => {
  await sql.end()
})

async function addMinutes(calendarId: string | null, from: string, minutes: number): Promise<string> {
  const { rows } = await sql.query('select private.business_add_minutes($1, $2, $3) as at', [calendarId, from, minutes])
  return (rows[0].at as Date).toISOString()
}

async function minutesBetween(calendarId: string | null, from: string, to: string): Promise<number> {
  const { rows } = await sql.query('select private.business_minutes_between($1, $2, $3)::float8 as minutes', [calendarId, from, to])
  return rows[0].minutes as number
}

describe('private.business_add_minutes', () => {
  it('counts within the same open interval', async () => {
    // Monday 2026-11-23 10:00 New York (UTC-5) + 30 business minutes.
    expect(await addMinutes(org.calendarId, '2026-11-23T15:00:00Z', 30)).toBe('2026-11-23T15:30:00.000Z')
  })

  it('carries over a weekend: Friday 16:30 + 60 is Monday 09:30', async () => {
    expect(await addMinutes(org.calendarId, '2026-11-20T21:30:00Z', 60)).toBe('2026-11-23T14:30:00.000Z')
  })

  it('starts the clock at the next opening for a lead arriving on a closed day', async () => {
    // Saturday noon + 30 -> Monday 09:30.
    expect(await addMinutes(org.calendarId, '2026-11-21T17:00:00Z', 30)).toBe('2026-11-23T14:30:00.000Z')
    // Monday 07:00 (before opening) + 30 -> Monday 09:30.
    expect(await addMinutes(org.calendarId, '2026-11-23T12:00:00Z', 30)).toBe('2026-11-23T14:30:00.000Z')
  })

  it('skips holidays', async () => {
    // Thursday 2026-12-24 16:00 + 120: one hour that day, Friday the 25th closed, Monday 10:00.
    expect(await addMinutes(org.calendarId, '2026-12-24T21:00:00Z', 120)).toBe('2026-12-28T15:00:00.000Z')
  })

  it('follows the daylight-saving change: Friday 16:00 EST + 120 is Monday 10:00 EDT', async () => {
    expect(await addMinutes(org.calendarId, '2026-03-06T21:00:00Z', 120)).toBe('2026-03-09T14:00:00.000Z')
  })

  it('returns the closing time when the minutes run out exactly at closing', async () => {
    expect(await addMinutes(org.calendarId, '2026-11-23T21:00:00Z', 60)).toBe('2026-11-23T22:00:00.000Z')
  })

  it('counts every minute without a calendar or with an always-open one', async () => {
    expect(await addMinutes(null, '2026-11-21T17:00:00Z', 90)).toBe('2026-11-21T18:30:00.000Z')
    const open = await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: 'Always open', time_zone: 'UTC', always_open: true,
    })
    expect(await addMinutes(open.id as string, '2026-11-21T17:00:00Z', 90)).toBe('2026-11-21T18:30:00.000Z')
  })

  it('gives the next opening for zero minutes', async () => {
    expect(await addMinutes(org.calendarId, '2026-11-21T17:00:00Z', 0)).toBe('2026-11-23T14:00:00.000Z')
    expect(await addMinutes(org.calendarId, '2026-11-23T15:00:00Z', 0)).toBe('2026-11-23T15:00:00.000Z')
  })

  it('refuses negative minutes', async () => {
    expect(sqlState(await addMinutes(org.calendarId, '2026-11-21T17:00:00Z', -1).catch((e: unknown) => e))).toBe('22023')
  })

  it('runs a window whose end is before its start overnight', async () => {
    const nights = await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: 'Night shift', time_zone: 'UTC', weekly_hours: { 5: [{ start: '22:00', end: '06:00' }] },
    })
    // Friday 23:00 + 120 -> Saturday 01:00.
    expect(await addMinutes(nights.id as string, '2026-11-20T23:00:00Z', 120)).toBe('2026-11-21T01:00:00.000Z')
    expect(await minutesBetween(nights.id as string, '2026-11-20T21:00:00Z', '2026-11-21T07:00:00Z')).toBe(480)
  })

  it('refuses a calendar without open hours', async () => {
    const closed = await insertRow(sql, 'business_calendars', { org_id: org.orgId, name: 'Never open', time_zone: 'UTC' })
    const error = await addMinutes(closed.id as string, '2026-11-21T17:00:00Z', 10).catch((e: unknown) => e)
    expect(sqlState(error)).toBe('22023')
    expect((error as Error).message).toMatch(/no open hours/)
  })
})

describe('private.business_minutes_between', () => {
  it('counts only open minutes, across a weekend, fractions kept', async () => {
    // Friday 16:00 -> Monday 10:00 New York.
    expect(await minutesBetween(org.calendarId, '2026-11-20T21:00:00Z', '2026-11-23T15:00:00Z')).toBe(120)
    expect(await minutesBetween(org.calendarId, '2026-11-23T15:00:00Z', '2026-11-20T21:00:00Z')).toBe(-120)
    expect(await minutesBetween(org.calendarId, '2026-11-23T15:00:00Z', '2026-11-23T15:00:30Z')).toBe(0.5)
    expect(await minutesBetween(org.calendarId, '2026-11-21T12:00:00Z', '2026-11-22T12:00:00Z')).toBe(0)
  })

  it('counts a 25-hour day when the clocks fall back', async () => {
    const allDay = Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map(day => [day, [{ start: '00:00', end: '24:00' }]]))
    const calendar = await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: 'Every hour, New York', time_zone: 'America/New_York', weekly_hours: allDay,
    })
    // Saturday 2026-10-31 12:00 EDT -> Sunday 2026-11-01 12:00 EST.
    expect(await minutesBetween(calendar.id as string, '2026-10-31T16:00:00Z', '2026-11-01T17:00:00Z')).toBe(25 * 60)
  })

  it('counts overlapping windows once', async () => {
    const overlapping = await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: 'Overlapping', time_zone: 'UTC',
      weekly_hours: { 1: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }, { start: '11:30', end: '12:30' }] },
    })
    expect(await minutesBetween(overlapping.id as string, '2026-11-23T08:00:00Z', '2026-11-23T14:00:00Z')).toBe(240)
    expect(await addMinutes(overlapping.id as string, '2026-11-23T08:00:00Z', 200)).toBe('2026-11-23T12:20:00.000Z')
  })

  it('reads local times in a daylight-saving change as the TS domain does', async () => {
    const windowOn = async (day: string, start: string, end: string) => (await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: `DST ${day} ${start}-${end}`, time_zone: 'America/New_York',
      weekly_hours: { 0: [{ start, end }] },
    })).id as string
    // Spring forward, Sunday 2026-03-08: 02:30 never shows; the window closes at the jump (03:00 EDT).
    expect(await minutesBetween(await windowOn('2026-03-08', '01:00', '02:30'), '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z')).toBe(60)
    // Fall back, Sunday 2026-11-01: 01:30 happens twice; the first (EDT) one counts.
    expect(await minutesBetween(await windowOn('2026-11-01', '00:00', '01:30'), '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z')).toBe(90)
  })

  it('is wall-clock minutes without a calendar', async () => {
    expect(await minutesBetween(null, '2026-11-21T12:00:00Z', '2026-11-22T12:00:00Z')).toBe(1440)
  })

  it('undoes business_add_minutes for any start and any number of minutes', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z')
    const end = Date.parse('2027-12-31T00:00:00Z')
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: start, max: end }),
      fc.integer({ min: 1, max: 20_000 }),
      async (fromMs, minutes) => {
        const from = new Date(fromMs).toISOString()
        const due = await addMinutes(org.calendarId, from, minutes)
        expect(await minutesBetween(org.calendarId, from, due)).toBeCloseTo(minutes, 6)
      },
    ), { numRuns: 150 })
  })
})

describe('private.within_weekly_hours', () => {
  it('tells open from closed in the given time zone', async () => {
    const hours = { 1: [{ start: '09:00', end: '17:00' }] }
    const check = async (at: string, holidays: string[] = []) => (await sql.query(
      `select private.within_weekly_hours('America/New_York', $1, $2, $3) as open`, [JSON.stringify(hours), holidays, at],
    )).rows[0].open as boolean
    expect(await check('2026-11-23T15:00:00Z')).toBe(true) // Monday 10:00
    expect(await check('2026-11-23T13:59:00Z')).toBe(false) // Monday 08:59
    expect(await check('2026-11-23T22:00:00Z')).toBe(false) // Monday 17:00, closed
    expect(await check('2026-11-24T15:00:00Z')).toBe(false) // Tuesday
    expect(await check('2026-11-23T15:00:00Z', ['2026-11-23'])).toBe(false)
  })
})

describe('weekly hours validation', () => {
  it.each([
    ['a key that is not a weekday', { 7: [] }],
    ['a window that starts when it ends', { 1: [{ start: '09:00', end: '09:00' }] }],
    ['24:00 as a start', { 1: [{ start: '24:00', end: '09:00' }] }],
    ['a malformed time', { 1: [{ start: '9:00', end: '17:00' }] }],
    ['a day that is not a list', { 1: { start: '09:00', end: '17:00' } }],
  ])('refuses %s', async (_label, weeklyHours) => {
    const error = await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: `bad ${Math.random()}`, time_zone: 'UTC', weekly_hours: weeklyHours,
    }).catch((e: unknown) => e)
    expect(sqlState(error)).toBe('23514')
  })

  it('refuses an unknown time zone', async () => {
    const error = await insertRow(sql, 'business_calendars', {
      org_id: org.orgId, name: 'Nowhere', time_zone: 'Mars/Olympus_Mons',
    }).catch((e: unknown) => e)
    expect(sqlState(error)).toBe('23514')
  })
})

describe('the SQL twin agrees with the TypeScript domain module', () => {
  const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
    .map(([hour, minute]) => `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`)
  const window = fc.tuple(clock, fc.oneof(clock, fc.constant('24:00')))
    .filter(([start, end]) => start !== end)
    .map(([start, end]) => ({ start, end }))
  const weeklyHours = fc.dictionary(fc.constantFrom('0', '1', '2', '3', '4', '5', '6'), fc.array(window, { maxLength: 3 }), { minKeys: 1 })
    .filter(hours => Object.values(hours).some(day => day.length > 0)) as fc.Arbitrary<WeeklyHours>
  const calendar: fc.Arbitrary<BusinessCalendar> = fc.record({
    timeZone: fc.constantFrom('America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'),
    weeklyHours,
    holidays: fc.array(fc.integer({ min: 0, max: 120 }).map(day => new Date(Date.UTC(2026, 2, 1) + day * 86_400_000).toISOString().slice(0, 10)), { maxLength: 4 }),
  })
  // March to June 2026 and October/November 2026 cover the DST changes of all zones above.
  const instant = fc.oneof(
    fc.integer({ min: Date.UTC(2026, 2, 1), max: Date.UTC(2026, 5, 30) }),
    fc.integer({ min: Date.UTC(2026, 8, 25), max: Date.UTC(2026, 10, 10) }),
  ).map(ms => new Date(ms))

  it('for business_add_minutes and business_minutes_between', async () => {
    await fc.assert(fc.asyncProperty(calendar, instant, fc.integer({ min: 0, max: 6000 }), instant, async (cal, from, minutes, other) => {
      await sql.query('begin')
      try {
        const row = await insertRow(sql, 'business_calendars', {
          org_id: org.orgId, name: 'generated', time_zone: cal.timeZone, weekly_hours: cal.weeklyHours, holidays: cal.holidays,
        })
        const { rows } = await sql.query(
          `select private.business_add_minutes($1, $2, $3) as due, private.business_minutes_between($1, $2, $4)::float8 as between`,
          [row.id, from, minutes, other],
        )
        expect((rows[0].due as Date).toISOString()).toBe(addBusinessMinutes(cal, from, minutes).toISOString())
        expect(rows[0].between).toBeCloseTo(businessMinutesBetween(cal, from, other), 6)
      }
      finally {
        await sql.query('rollback')
      }
    }), { numRuns: 200 })
  }, 60_000)
})
