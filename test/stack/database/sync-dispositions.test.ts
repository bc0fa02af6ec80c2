import { randomUUID } from 'node:crypto'
import { addBusinessMinutes } from '@domain/business-hours.ts'
import type { BusinessCalendar } from '@domain/business-hours.ts'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { asUser, sqlState } from './as-user.ts'
import { createLead, createOrgFixture } from './fixture.ts'
import type { OrgFixture, Row } from './fixture.ts'

interface SyncResult {
  id: unknown
  status: 'applied' | 'duplicate' | 'rejected'
  error: string | null
}

let sql: pg.Client
let org: OrgFixture
let rep: string

// The fixture's calendar, as the TS domain reads it: the oracle for the cadence.
const newYork: BusinessCalendar = {
  timeZone: 'America/New_York',
  weeklyHours: Object.fromEntries(['1', '2', '3', '4', '5'].map(day => [day, [{ start: '09:00', end: '17:00' }]])),
  holidays: ['2026-12-25'],
}

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'sync')
  rep = org.reps[0].id
})
afterAll(async () => {
  await sql.end()
})

async function sync(userId: string, items: unknown, client: pg.ClientBase = sql): Promise<SyncResult[]> {
  const { rows } = await asUser(client, userId, s => s.query('select public.sync_dispositions($1::jsonb) as results', [JSON.stringify(items)]), { commit: true })
  return rows[0].results as SyncResult[]
}

async function lead(id: unknown): Promise<Row> {
  return (await sql.query('select * from public.leads where id = $1', [id])).rows[0] as Row
}

async function leads(ids: unknown[]): Promise<Row[]> {
  return (await sql.query('select * from public.leads where id = any($1) order by id', [ids])).rows as Row[]
}

async function count(table: string, leadIds: unknown[]): Promise<number> {
  const { rows } = await sql.query(`select count(*)::int as n from public.${table} where lead_id = any($1)`, [leadIds])
  return rows[0].n as number
}

const assignedLead = (fields: Row = {}) => createLead(sql, org, {
  assigned_to: rep, status: 'assigned', tier: 'WARM', sla_policy_id: org.policies.WARM, ...fields,
})

describe('sync_dispositions', () => {
  it('applies the good items of a batch and rejects each bad one with its own error', async () => {
    const connected = await assignedLead({ sla_state: 'running', sla_due_at: new Date(Date.now() + 30 * 60_000) })
    const unanswered = await assignedLead()
    const callback = await assignedLead()
    const notMine = await createLead(sql, org, { assigned_to: org.reps[1].id, status: 'assigned' })
    const occurredAt = new Date(Date.now() - 60_000).toISOString()
    const callbackAt = new Date(Date.now() + 86_400_000).toISOString()
    const items = [
      { id: randomUUID(), lead_id: connected.id, outcome: 'connected', occurred_at: occurredAt, channel: 'phone', notes: 'Wants pricing' },
      { id: randomUUID(), lead_id: connected.id, outcome: 'maybe', occurred_at: occurredAt },
      { id: randomUUID(), lead_id: unanswered.id, outcome: 'no_answer', occurred_at: occurredAt },
      { id: randomUUID(), lead_id: notMine.id, outcome: 'connected', occurred_at: occurredAt },
      { id: randomUUID(), lead_id: callback.id, outcome: 'callback', occurred_at: occurredAt },
      { id: 'not-a-uuid', lead_id: callback.id, outcome: 'connected', occurred_at: occurredAt },
      42,
      { id: randomUUID(), lead_id: callback.id, outcome: 'callback', callback_at: callbackAt, occurred_at: occurredAt },
      { id: randomUUID(), lead_id: randomUUID(), outcome: 'connected', occurred_at: occurredAt },
      { id: randomUUID(), lead_id: callback.id, outcome: 'connected', occurred_at: 'yesterday-ish' },
      { id: randomUUID(), lead_id: callback.id, outcome: 'connected', occurred_at: occurredAt, channel: 'pigeon' },
    ] as Array<Record<string, unknown> | number>
    const results = await sync(rep, items)
    const idOf = (i: number) => (items[i] as Record<string, unknown>).id
    expect(results).toEqual([
      { id: idOf(0), status: 'applied', error: null },
      { id: idOf(1), status: 'rejected', error: expect.stringMatching(/^outcome: must be one of connected, no_answer, voicemail/) },
      { id: idOf(2), status: 'applied', error: null },
      { id: idOf(3), status: 'rejected', error: 'lead_id: the lead is not assigned to you' },
      { id: idOf(4), status: 'rejected', error: 'callback_at: required for outcome callback' },
      { id: 'not-a-uuid', status: 'rejected', error: 'id: must be a UUID generated on the device' },
      { id: null, status: 'rejected', error: 'item: must be an object' },
      { id: idOf(7), status: 'applied', error: null },
      { id: idOf(8), status: 'rejected', error: 'lead_id: no such lead' },
      { id: idOf(9), status: 'rejected', error: 'occurred_at: must be an ISO 8601 time' },
      { id: idOf(10), status: 'rejected', error: expect.stringMatching(/^channel: must be one of phone, sms/) },
    ])

    expect(await lead(connected.id)).toMatchObject({
      status: 'contacted', attempt_count: 1, first_contact_at: new Date(occurredAt), sla_state: 'met', next_attempt_at: null,
    })
    expect(await lead(unanswered.id)).toMatchObject({
      status: 'attempting', attempt_count: 1, first_contact_at: new Date(occurredAt),
      next_attempt_at: addBusinessMinutes(newYork, new Date(occurredAt), 240),
    })
    expect(await lead(callback.id)).toMatchObject({ status: 'contacted', attempt_count: 1, callback_at: new Date(callbackAt) })
    expect(await lead(notMine.id)).toMatchObject({ status: 'assigned', attempt_count: 0, first_contact_at: null })

    const { rows: stored } = await sql.query('select id, rep_id, outcome, notes, channel from public.dispositions where lead_id = any($1) order by occurred_at, outcome',
      [[connected.id, unanswered.id, callback.id, notMine.id]])
    expect(stored).toHaveLength(3)
    expect(stored).toContainEqual({ id: idOf(0), rep_id: rep, outcome: 'connected', notes: 'Wants pricing', channel: 'phone' })
    const { rows: events } = await sql.query(
      `select lead_id, type, actor_id, details from public.lead_events where lead_id = $1 and type in ('disposition', 'status_changed') order by id`,
      [connected.id])
    expect(events).toEqual([
      { lead_id: connected.id, type: 'status_changed', actor_id: rep, details: { from: 'assigned', to: 'contacted' } },
      {
        lead_id: connected.id, type: 'disposition', actor_id: rep,
        details: { disposition_id: idOf(0), outcome: 'connected', channel: 'phone', attempt: 1, status: 'contacted' },
      },
    ])

    // The same batch again (the device never saw the answer): nothing changes.
    const leadIds = [connected.id, unanswered.id, callback.id, notMine.id]
    const before = await leads(leadIds)
    const eventsBefore = await count('lead_events', leadIds)
    const replay = await sync(rep, items)
    expect(replay).toEqual(results.map(result => result.status === 'applied' ? { ...result, status: 'duplicate' } : result))
    expect(await sync(rep, items)).toEqual(replay)
    expect(await leads(leadIds)).toEqual(before)
    expect(await count('lead_events', leadIds)).toBe(eventsBefore)
    expect(await count('dispositions', leadIds)).toBe(3)
  })

  it('counts an id twice in one batch once', async () => {
    const target = await assignedLead()
    const item = { id: randomUUID(), lead_id: target.id, outcome: 'voicemail', occurred_at: new Date().toISOString() }
    expect((await sync(rep, [item, item])).map(result => result.status)).toEqual(['applied', 'duplicate'])
    expect(await lead(target.id)).toMatchObject({ attempt_count: 1 })
  })

  it('refuses an id another rep already used', async () => {
    const mine = await assignedLead()
    const theirs = await createLead(sql, org, { assigned_to: org.reps[1].id, status: 'assigned' })
    const id = randomUUID()
    await sync(rep, [{ id, lead_id: mine.id, outcome: 'connected', occurred_at: new Date().toISOString() }])
    expect(await sync(org.reps[1].id, [{ id, lead_id: theirs.id, outcome: 'connected', occurred_at: new Date().toISOString() }]))
      .toEqual([{ id, status: 'rejected', error: 'id: already used by another disposition' }])
    expect(await lead(theirs.id)).toMatchObject({ status: 'assigned', attempt_count: 0 })
  })

  it('follows the cadence in business minutes and sends the lead to nurture after the last attempt', async () => {
    const target = await assignedLead({ created_at: new Date('2026-11-13T14:00:00Z') })
    // Friday 16:30, Monday 10:00 and Tuesday 16:00, New York.
    const attempts = ['2026-11-13T21:30:00Z', '2026-11-16T15:00:00Z', '2026-11-17T21:00:00Z']
    const results = await sync(rep, attempts.map(at => ({ id: randomUUID(), lead_id: target.id, outcome: 'no_answer', occurred_at: at })))
    expect(results.map(result => result.status)).toEqual(['applied', 'applied', 'applied'])
    const { rows } = await sql.query(
      `select details from public.lead_events where lead_id = $1 and type = 'disposition' order by occurred_at`, [target.id])
    const steps = rows.map(({ details }) => ({
      attempt: details.attempt,
      status: details.status,
      next: details.next_attempt_at && new Date(details.next_attempt_at).toISOString(),
    }))
    expect(steps).toEqual([
      { attempt: 1, status: 'attempting', next: addBusinessMinutes(newYork, new Date(attempts[0]), 240).toISOString() },
      { attempt: 2, status: undefined, next: addBusinessMinutes(newYork, new Date(attempts[1]), 1440).toISOString() },
      { attempt: 3, status: 'nurture', next: undefined },
    ])
    // Friday 16:30 + 240 business minutes is Monday 12:30; Monday 10:00 + 1440 is Thursday 10:00.
    expect(steps[0].next).toBe('2026-11-16T17:30:00.000Z')
    expect(steps[1].next).toBe('2026-11-19T15:00:00.000Z')
    expect(await lead(target.id)).toMatchObject({
      status: 'nurture', attempt_count: 3, next_attempt_at: null, first_contact_at: new Date(attempts[0]),
    })
  })

  it('counts only unanswered calls since the lead was last reached toward max_attempts', async () => {
    const target = await assignedLead({ created_at: new Date('2026-11-16T13:00:00Z') })
    // Monday to Wednesday, New York office hours: a talk, a callback booked, then missed calls.
    const item = (outcome: string, at: string, fields: Row = {}) => ({ id: randomUUID(), lead_id: target.id, outcome, occurred_at: at, ...fields })
    const missedAt = '2026-11-16T18:00:00Z'
    const results = await sync(rep, [
      item('connected', '2026-11-16T14:00:00Z'),
      item('callback', '2026-11-16T15:00:00Z', { callback_at: '2026-11-16T17:00:00Z' }),
      item('no_answer', missedAt),
    ])
    expect(results.map(result => result.status)).toEqual(['applied', 'applied', 'applied'])
    // One missed call after a conversation is the first of a new run, not the third attempt.
    expect(await lead(target.id)).toMatchObject({
      status: 'contacted', attempt_count: 3, callback_at: null,
      next_attempt_at: addBusinessMinutes(newYork, new Date(missedAt), 240),
    })

    await sync(rep, [item('voicemail', '2026-11-17T15:00:00Z')])
    expect(await lead(target.id)).toMatchObject({
      status: 'contacted', next_attempt_at: addBusinessMinutes(newYork, new Date('2026-11-17T15:00:00Z'), 1440),
    })
    await sync(rep, [item('no_answer', '2026-11-18T15:00:00Z')])
    expect(await lead(target.id)).toMatchObject({ status: 'nurture', attempt_count: 5, next_attempt_at: null })
    const { rows } = await sql.query(
      `select details->'unanswered_in_a_row' as n from public.lead_events where lead_id = $1 and type = 'disposition' order by occurred_at`, [target.id])
    expect(rows.map(row => row.n)).toEqual([null, null, 1, 2, 3])
  })

  it('does not give up on a lead with a callback arranged when that call is missed', async () => {
    const target = await assignedLead()
    const item = (at: string) => ({ id: randomUUID(), lead_id: target.id, outcome: 'no_answer', occurred_at: at })
    await sync(rep, [item('2026-11-16T15:00:00Z'), item('2026-11-17T15:00:00Z')])
    // The rep books a callback on their own lead by hand; the third miss is that callback.
    await asUser(sql, rep, s => s.query(`update public.leads set callback_at = '2026-11-18T15:00:00Z' where id = $1`, [target.id]), { commit: true })
    await sync(rep, [item('2026-11-18T15:00:00Z')])
    expect(await lead(target.id)).toMatchObject({
      status: 'attempting', attempt_count: 3, callback_at: null,
      next_attempt_at: addBusinessMinutes(newYork, new Date('2026-11-18T15:00:00Z'), 1440),
    })
  })

  it('recognizes a replay that spells the lead id in upper case', async () => {
    const target = await assignedLead()
    const item = { id: randomUUID(), lead_id: target.id as string, outcome: 'connected', occurred_at: new Date().toISOString() }
    expect((await sync(rep, [item]))[0].status).toBe('applied')
    expect(await sync(rep, [{ ...item, id: item.id.toUpperCase(), lead_id: item.lead_id.toUpperCase() }]))
      .toEqual([{ id: item.id.toUpperCase(), status: 'duplicate', error: null }])
    expect(await lead(target.id)).toMatchObject({ attempt_count: 1 })
  })

  it('keeps an older outcome synced after a newer one without undoing the newer', async () => {
    const target = await assignedLead()
    const callbackAt = new Date(Date.now() + 86_400_000)
    const newer = { id: randomUUID(), lead_id: target.id, outcome: 'callback', callback_at: callbackAt.toISOString(), occurred_at: new Date(Date.now() - 60_000).toISOString() }
    // Logged an hour earlier on another phone that synced late.
    const older = { id: randomUUID(), lead_id: target.id, outcome: 'no_answer', occurred_at: new Date(Date.now() - 3_600_000).toISOString() }
    await sync(rep, [newer])
    expect(await sync(rep, [older])).toEqual([{ id: older.id, status: 'applied', error: null }])
    expect(await lead(target.id)).toMatchObject({
      status: 'contacted', callback_at: callbackAt, next_attempt_at: null, attempt_count: 2, first_contact_at: new Date(older.occurred_at),
    })
    expect(await count('dispositions', [target.id])).toBe(2)
    const { rows } = await sql.query(
      `select details from public.lead_events where lead_id = $1 and type = 'disposition' and details->>'disposition_id' = $2`, [target.id, older.id])
    expect(rows).toEqual([{ details: { disposition_id: older.id, outcome: 'no_answer', channel: 'phone', attempt: 2, lead_unchanged: 'older_than_latest_outcome' } }])
  })

  it('keeps an outcome logged offline for a lead reassigned before the sync, leaving the lead to its new owner', async () => {
    const target = await assignedLead({ sla_state: 'running', sla_due_at: new Date(Date.now() + 3_600_000) })
    const calledAt = new Date(Date.now() - 120_000).toISOString()
    const newOwner = org.reps[1].id
    await asUser(sql, org.manager.id, s => s.query('select public.reassign_lead($1, $2, $3)', [target.id, newOwner, 'rep away']), { commit: true })
    const item = { id: randomUUID(), lead_id: target.id, outcome: 'meeting_booked', occurred_at: calledAt, notes: 'Demo Tuesday' }
    expect(await sync(rep, [item])).toEqual([{ id: item.id, status: 'applied', error: null }])
    // The call happened: stored, evented, counted, and it stopped the SLA clock in time...
    expect(await lead(target.id)).toMatchObject({
      assigned_to: newOwner, status: 'assigned', attempt_count: 1, first_contact_at: new Date(calledAt), sla_state: 'met',
    })
    const { rows: stored } = await sql.query('select rep_id, outcome, notes from public.dispositions where id = $1', [item.id])
    expect(stored).toEqual([{ rep_id: rep, outcome: 'meeting_booked', notes: 'Demo Tuesday' }])
    const { rows: events } = await sql.query(
      `select actor_id, details from public.lead_events where lead_id = $1 and type = 'disposition'`, [target.id])
    expect(events).toEqual([{ actor_id: rep, details: { disposition_id: item.id, outcome: 'meeting_booked', channel: 'phone', attempt: 1, lead_unchanged: 'reassigned_away' } }])
    // ...and a replay is a duplicate like any other.
    expect(await sync(rep, [item])).toEqual([{ id: item.id, status: 'duplicate', error: null }])
  })

  it('still refuses an outcome for a lead the rep never had', async () => {
    const theirs = await createLead(sql, org, { assigned_to: org.reps[1].id, status: 'assigned' })
    // Moved between others: no ownership event names the rep.
    await asUser(sql, org.manager.id, s => s.query('select public.reassign_lead($1, $2)', [theirs.id, org.manager.id]), { commit: true })
    const item = { id: randomUUID(), lead_id: theirs.id, outcome: 'connected', occurred_at: new Date().toISOString() }
    expect(await sync(rep, [item])).toEqual([{ id: item.id, status: 'rejected', error: 'lead_id: the lead is not assigned to you' }])
    expect(await count('dispositions', [theirs.id])).toBe(0)
  })

  it('marks the SLA breached when the first attempt came after the due time', async () => {
    const due = new Date(Date.now() - 10 * 60_000)
    const target = await assignedLead({ sla_state: 'running', sla_due_at: due })
    await sync(rep, [{ id: randomUUID(), lead_id: target.id, outcome: 'connected', occurred_at: new Date().toISOString() }])
    expect(await lead(target.id)).toMatchObject({ sla_state: 'breached', sla_breached_at: due })
  })

  it.each([
    ['connected', 'assigned', 'contacted'],
    ['no_answer', 'assigned', 'attempting'],
    ['voicemail', 'new', 'attempting'],
    ['wrong_number', 'assigned', 'disqualified'],
    ['bad_number', 'attempting', 'disqualified'],
    ['not_interested', 'contacted', 'disqualified'],
    ['meeting_booked', 'contacted', 'qualified'],
    ['qualified', 'attempting', 'qualified'],
    ['disqualified', 'qualified', 'disqualified'],
    ['connected', 'qualified', 'qualified'],
    ['connected', 'converted', 'converted'],
    ['no_answer', 'contacted', 'contacted'],
    ['meeting_booked', 'disqualified', 'qualified'],
    ['connected', 'nurture', 'contacted'],
  ])('%s on a lead in %s leaves it %s', async (outcome, from, to) => {
    const target = await assignedLead({ status: from })
    expect((await sync(rep, [{ id: randomUUID(), lead_id: target.id, outcome, occurred_at: new Date().toISOString() }]))[0].status).toBe('applied')
    expect((await lead(target.id)).status).toBe(to)
  })

  it('clears a callback once a later outcome arrives', async () => {
    const target = await assignedLead({ status: 'contacted', callback_at: new Date(Date.now() - 60_000) })
    await sync(rep, [{ id: randomUUID(), lead_id: target.id, outcome: 'meeting_booked', occurred_at: new Date().toISOString() }])
    expect(await lead(target.id)).toMatchObject({ status: 'qualified', callback_at: null })
  })

  it('does not let a device clock ahead of the server log the future', async () => {
    const target = await assignedLead()
    const id = randomUUID()
    await sync(rep, [{ id, lead_id: target.id, outcome: 'connected', occurred_at: new Date(Date.now() + 3_600_000).toISOString() }])
    const { rows } = await sql.query('select occurred_at <= received_at as sane from public.dispositions where id = $1', [id])
    expect(rows[0].sane).toBe(true)
  })

  it('applies an id sent by two connections at once exactly once', async () => {
    const target = await assignedLead()
    const item = { id: randomUUID(), lead_id: target.id, outcome: 'no_answer', occurred_at: new Date().toISOString() }
    const other = await sqlClient()
    try {
      const answers = await Promise.all([sync(rep, [item]), sync(rep, [item], other)])
      expect(answers.map(answer => answer[0].status).sort()).toEqual(['applied', 'duplicate'])
    }
    finally {
      await other.end()
    }
    expect(await lead(target.id)).toMatchObject({ attempt_count: 1 })
    expect(await count('dispositions', [target.id])).toBe(1)
  })

  it('lets a manager log an outcome for any lead of the organization', async () => {
    const target = await assignedLead()
    expect((await sync(org.manager.id, [{ id: randomUUID(), lead_id: target.id, outcome: 'connected', occurred_at: new Date().toISOString() }]))[0])
      .toMatchObject({ status: 'applied' })
  })

  it('refuses a batch that is not a list, or too long', async () => {
    expect(sqlState(await sync(rep, { id: randomUUID() }).catch((e: unknown) => e))).toBe('22023')
    expect(sqlState(await sync(rep, Array.from({ length: 1001 }, () => ({}))).catch((e: unknown) => e))).toBe('22023')
  })
})
