import { randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { addDays, startOfWeek } from 'date-fns'
import { TZDate } from '@date-fns/tz'
import type pg from 'pg'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonClient, sqlClient } from '../../support/clients.ts'
import { createLead, createOrgFixture, insertRow } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { clientFor, createClockedLead, newYork, newYorkTime } from './support.ts'

// manager_metrics() on a fixture of known leads, each figure worked out by hand below. The org's
// calendar is New York, Monday to Friday 09:00-17:00; HOT counts 24/7 (1 minute), WARM is 60
// and COLD 1440 business minutes.
//
// Last week (M = last week's Monday, F = the Friday before it), all in New York time:
//   L1 WARM rep1 web form  captured F 16:30, first attempt M 09:15: 30 + 15 = 45 business minutes
//                          across the weekend; due M 09:30, so met. No answer, then connected
//                          at M 11:00 (reached). 2 attempts.
//   L2 WARM rep1 web form  captured Tue 10:00, attempt 10:20 (20 min, met), meeting booked 10:25,
//                          then converted. 1 attempt.
//   L3 HOT  rep2 phone     captured Wed 20:00, attempt 20:02: 2 minutes (24/7), due 20:01: missed.
//                          Voicemail. 1 attempt.
//   L4 WARM rep2 web form  captured Thu 09:00, never tried; due 10:00 passed; escalated.
//   L5 WARM pool web form  captured 10 minutes ago, clock running, not due yet: in no SLA count.
//   spam (last Tue) and a lead from 40 days ago stay out of every 30-day figure.
//
// Percentiles are nearest-rank (the value at rank ceil(p x n) of the sorted speeds).
// 30 days: 5 leads; speed (business) 2, 20, 45 -> p50 20 (rank 2), p90 45 (rank 3); calendar 2,
// 20 and the weekend -> p50 20, p90 the weekend; SLA 2 met of 4 decided = 0.5; reached 2/5;
// converted 1/5; attempts 4/5; escalated 1/5.

let sql: pg.Client
let org: OrgFixture
let manager: SupabaseClient
let phoneSourceId: string
const times: Record<string, Date> = {}

async function metrics(period: string, dimension: string) {
  const { data, error } = await manager.rpc('manager_metrics', { period, dimension })
  expect(error).toBeNull()
  return data
}

/** Logs a contact attempt and outcomes as the rep does from the phone (record_contact_attempt, sync_dispositions). */
async function work(rep: SupabaseClient, leadId: string, attemptAt: Date, outcomes: Array<[string, Date]>): Promise<void> {
  const attempt = await rep.rpc('record_contact_attempt', { id: randomUUID(), lead_id: leadId, occurred_at: attemptAt.toISOString(), channel: 'phone' })
  expect(attempt.error).toBeNull()
  if (outcomes.length === 0)
    return
  const items = outcomes.map(([outcome, at]) => ({ id: randomUUID(), lead_id: leadId, outcome, notes: null, callback_at: null, occurred_at: at.toISOString(), channel: 'phone' }))
  const synced = await rep.rpc('sync_dispositions', { items })
  expect(synced.error).toBeNull()
  expect(synced.data.map((result: { status: string }) => result.status)).toEqual(items.map(() => 'applied'))
}

const minutes = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 60_000

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'metrics', { reps: 2 })
  // No holiday may fall inside the fixture's week, whenever the test runs.
  await sql.query(`update public.business_calendars set holidays = '{}' where id = $1`, [org.calendarId])
  phoneSourceId = (await insertRow(sql, 'lead_sources', {
    org_id: org.orgId, team_id: org.teamId, name: 'Phone line', channel: 'phone',
    key_hash: randomUUID().replaceAll('-', '').padEnd(64, '0'), key_prefix: 'phone-line',
  })).id as string

  const monday = addDays(startOfWeek(new TZDate(Date.now(), newYork), { weekStartsOn: 1 }), -7)
  Object.assign(times, {
    l1Captured: newYorkTime(addDays(monday, -3), 16, 30),
    l1Attempt: newYorkTime(monday, 9, 15),
    l1NoAnswer: newYorkTime(monday, 9, 16),
    l1Connected: newYorkTime(monday, 11, 0),
    l2Captured: newYorkTime(addDays(monday, 1), 10, 0),
    l2Attempt: newYorkTime(addDays(monday, 1), 10, 20),
    l2Meeting: newYorkTime(addDays(monday, 1), 10, 25),
    l3Captured: newYorkTime(addDays(monday, 2), 20, 0),
    l3Attempt: newYorkTime(addDays(monday, 2), 20, 2),
    l4Captured: newYorkTime(addDays(monday, 3), 9, 0),
    l5Captured: new Date(Date.now() - 10 * 60_000),
  })
  const [rep1, rep2] = org.reps
  const warm = { tier: 'WARM' as const, targetMinutes: 60, calendarId: org.calendarId }
  const l1 = await createClockedLead(sql, org, { ...warm, capturedAt: times.l1Captured, fields: { assigned_to: rep1.id, status: 'assigned' } })
  const l2 = await createClockedLead(sql, org, { ...warm, capturedAt: times.l2Captured, fields: { assigned_to: rep1.id, status: 'assigned' } })
  const l3 = await createClockedLead(sql, org, { tier: 'HOT', targetMinutes: 1, calendarId: null, capturedAt: times.l3Captured, fields: { assigned_to: rep2.id, status: 'assigned', source_id: phoneSourceId } })
  const l4 = await createClockedLead(sql, org, { ...warm, capturedAt: times.l4Captured, fields: { assigned_to: rep2.id, status: 'assigned' } })
  await createClockedLead(sql, org, { ...warm, capturedAt: times.l5Captured })
  await createClockedLead(sql, org, { ...warm, capturedAt: times.l2Captured, fields: { is_spam: true, sla_state: 'none' } })
  await createLead(sql, org, { created_at: new Date(Date.now() - 40 * 86_400_000), assigned_to: rep1.id, status: 'attempting', first_contact_at: new Date(Date.now() - 39 * 86_400_000) })

  const asRep1 = await clientFor(rep1.email)
  const asRep2 = await clientFor(rep2.email)
  await work(asRep1, l1.id as string, times.l1Attempt, [['no_answer', times.l1NoAnswer], ['connected', times.l1Connected]])
  await work(asRep1, l2.id as string, times.l2Attempt, [['meeting_booked', times.l2Meeting]])
  await sql.query(`update public.leads set status = 'converted' where id = $1`, [l2.id])
  await work(asRep2, l3.id as string, times.l3Attempt, [['voicemail', times.l3Attempt]])
  // What the escalator leaves behind for a lead nobody called.
  await sql.query(`update public.leads set sla_state = 'escalated', sla_breached_at = sla_due_at, sla_escalated_at = sla_due_at + interval '1 hour' where id = $1`, [l4.id])

  manager = await clientFor(org.manager.email)
}, 60_000)

afterAll(async () => {
  await sql?.end()
})

describe('speed to lead stored on the lead', () => {
  it('counts business minutes across the weekend and calendar minutes beside them', async () => {
    const { rows } = await sql.query(
      `select created_at, first_contact_at, speed_to_lead_business_seconds as business, speed_to_lead_calendar_seconds as calendar,
              contacted_at, sla_state
       from public.leads where org_id = $1 and created_at = $2`, [org.orgId, times.l1Captured])
    expect(rows).toEqual([{
      created_at: times.l1Captured,
      first_contact_at: times.l1Attempt,
      business: 45 * 60,
      calendar: minutes(times.l1Captured, times.l1Attempt) * 60,
      contacted_at: times.l1Connected,
      sla_state: 'met',
    }])
  })
})

describe('manager_metrics over the last 30 days', () => {
  it('answers the totals worked out by hand', async () => {
    const result = await metrics('30d', 'rep')
    const weekend = minutes(times.l1Captured, times.l1Attempt)
    expect(result.totals).toEqual({
      leads: 5,
      first_contacted: 3,
      speed_business_p50: 20,
      speed_business_p90: 45,
      speed_calendar_p50: 20,
      speed_calendar_p90: weekend,
      sla_met: 2,
      sla_missed: 2,
      sla_compliance: 0.5,
      contacted: 2,
      contact_rate: 0.4,
      converted: 1,
      conversion_rate: 0.2,
      attempts: 4,
      attempts_per_lead: 0.8,
      escalated: 1,
      escalation_rate: 0.2,
    })
    expect(weekend).toBeGreaterThan(60 * 60) // the weekend really is in the calendar figure
    expect(result).toMatchObject({ period: '30d', dimension: 'rep', time_zone: newYork, bucket: 'day' })
  })

  it('splits by rep (the current owner), unowned leads apart', async () => {
    const { groups } = await metrics('30d', 'rep')
    const weekend = minutes(times.l1Captured, times.l1Attempt)
    expect(groups).toEqual([
      expect.objectContaining({
        key: org.reps[0].id, label: 'metrics-rep1', leads: 2,
        speed_business_p50: 20, speed_business_p90: 45,
        speed_calendar_p50: 20, speed_calendar_p90: weekend,
        sla_met: 2, sla_missed: 0, sla_compliance: 1, contact_rate: 1, conversion_rate: 0.5, attempts_per_lead: 1.5, escalation_rate: 0,
      }),
      expect.objectContaining({
        key: org.reps[1].id, label: 'metrics-rep2', leads: 2,
        speed_business_p50: 2, speed_business_p90: 2,
        sla_met: 0, sla_missed: 2, sla_compliance: 0, contact_rate: 0, conversion_rate: 0, attempts_per_lead: 0.5, escalation_rate: 0.5,
      }),
      expect.objectContaining({
        key: null, label: 'Unassigned', leads: 1, first_contacted: 0,
        speed_business_p50: null, sla_met: 0, sla_missed: 0, sla_compliance: null,
      }),
    ])
  })

  it('splits by source, channel and tier, with conversion by source', async () => {
    const bySource = await metrics('30d', 'source')
    expect(bySource.groups.map((g: { label: string, leads: number, speed_business_p50: number | null }) => [g.label, g.leads, g.speed_business_p50]))
      .toEqual([['Web form', 4, 20], ['Phone line', 1, 2]])
    expect(bySource.conversion_by_source).toEqual([
      { key: org.sourceId, label: 'Web form', leads: 4, converted: 1, conversion_rate: 0.25 },
      { key: phoneSourceId, label: 'Phone line', leads: 1, converted: 0, conversion_rate: 0 },
    ])
    const byChannel = await metrics('30d', 'channel')
    expect(byChannel.groups.map((g: { key: string, leads: number }) => [g.key, g.leads])).toEqual([['web_form', 4], ['phone', 1]])
    const byTier = await metrics('30d', 'tier')
    expect(byTier.groups.map((g: { key: string, leads: number, sla_compliance: number | null }) => [g.key, g.leads, g.sla_compliance]))
      .toEqual([['WARM', 4, 2 / 3], ['HOT', 1, 0]])
  })

  it('draws a daily trend in the organization\'s time zone, empty days kept', async () => {
    const { trend } = await metrics('30d', 'tier')
    expect(trend.length).toBeGreaterThanOrEqual(30)
    const day = (at: Date) => new TZDate(at.getTime(), newYork).toDateString()
    const friday = trend.find((point: { at: string }) => day(new Date(point.at)) === day(times.l1Captured))
    expect(friday).toEqual({ at: expect.any(String), leads: 1, speed_business_p50: 45, sla_compliance: 1 })
    expect(trend.reduce((sum: number, point: { leads: number }) => sum + point.leads, 0)).toBe(5)
  })
})

describe('manager_metrics over shorter periods', () => {
  const captured = () => [times.l1Captured, times.l2Captured, times.l3Captured, times.l4Captured, times.l5Captured]

  it('counts the leads of the last 7 days', async () => {
    const since = Date.now() - 7 * 86_400_000
    const { totals } = await metrics('7d', 'rep')
    expect(totals.leads).toBe(captured().filter(at => at.getTime() >= since).length)
  })

  it('counts today from local midnight, by the hour', async () => {
    const local = new TZDate(Date.now(), newYork)
    const midnight = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), 0, 0, newYork).getTime()
    const result = await metrics('today', 'rep')
    expect(result.bucket).toBe('hour')
    expect(new Date(result.from).getTime()).toBe(midnight)
    expect(result.totals.leads).toBe(captured().filter(at => at.getTime() >= midnight).length)
  })

  it('refuses unknown periods and dimensions', async () => {
    const period = await manager.rpc('manager_metrics', { period: '90d', dimension: 'rep' })
    expect(period.error).toMatchObject({ code: '22023', message: expect.stringMatching(/^period: /) })
    const dimension = await manager.rpc('manager_metrics', { period: '7d', dimension: 'country' })
    expect(dimension.error).toMatchObject({ code: '22023', message: expect.stringMatching(/^dimension: /) })
  })
})

describe('lead aging', () => {
  it('buckets the open leads of the organization by age', async () => {
    const aging = await createOrgFixture(sql, 'aging', { reps: 1 })
    const ago = (ms: number) => new Date(Date.now() - ms)
    const hour = 3_600_000
    for (const [age, status] of [[10 * 60_000, 'new'], [2 * hour, 'assigned'], [3.9 * hour, 'attempting'], [5 * hour, 'contacted'],
      [30 * hour, 'qualified'], [80 * hour, 'attempting'], [10 * 24 * hour, 'new'], [2 * hour, 'converted'], [2 * hour, 'nurture']] as const)
      await createLead(sql, aging, { created_at: ago(age), status, assigned_to: status === 'new' ? null : aging.reps[0].id })
    await createLead(sql, aging, { created_at: ago(2 * hour), is_spam: true })

    const { data, error } = await (await clientFor(aging.manager.email)).rpc('manager_metrics', { period: 'today', dimension: 'rep' })
    expect(error).toBeNull()
    expect(data.aging).toEqual([
      { bucket: '<1h', leads: 1 },
      { bucket: '1-4h', leads: 2 },
      { bucket: '4-24h', leads: 1 },
      { bucket: '1-3d', leads: 1 },
      { bucket: '>3d', leads: 2 },
    ])
  })
})

describe('who may ask', () => {
  it('refuses a rep and anonymous callers', async () => {
    const rep = await clientFor('rep1@demo.pronto.test')
    for (const [fn, args] of [['manager_metrics', { period: '7d', dimension: 'rep' }], ['manager_board', {}]] as const) {
      const asRep = await rep.rpc(fn, args)
      expect(asRep.data).toBeNull()
      expect(asRep.error).toMatchObject({ code: '42501' })
      const asAnon = await anonClient().rpc(fn as never, args as never)
      expect(asAnon.error).toMatchObject({ code: '42501' })
    }
  })

  it('shows a manager only their own organization', async () => {
    const demo = await clientFor('manager@demo.pronto.test')
    const { data, error } = await demo.rpc('manager_metrics', { period: '30d', dimension: 'rep' })
    expect(error).toBeNull()
    const ownerIds = data.groups.map((group: { key: string | null }) => group.key)
    expect(ownerIds).not.toContain(org.reps[0].id)
    expect(ownerIds).not.toContain(org.reps[1].id)
  })
})

describe('nearest-rank percentiles', () => {
  it('pick from sorted speeds the value percentile_disc picks', async () => {
    const speeds = fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 300 })
    const fraction = fc.oneof(fc.constantFrom(0.5, 0.9, 1), fc.double({ min: Number.EPSILON, max: 1, noNaN: true }))
    await fc.assert(fc.asyncProperty(speeds, fraction, async (values, p) => {
      const { rows: [row] } = await sql.query(`
        select (extensions.sort($1::integer[]))[private.nearest_rank($2, cardinality($1::integer[]))] as picked,
               (select percentile_disc($2) within group (order by v) from unnest($1::integer[]) as v) as expected`,
      [values, p])
      expect(row.picked).toBe(row.expected)
    }), { numRuns: 300 })
  })
})
