import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { asUser, sqlState } from './as-user.ts'
import { createLead, createOrgFixture } from './fixture.ts'
import type { OrgFixture, Row } from './fixture.ts'

let sql: pg.Client
let org: OrgFixture
let other: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'rpcs')
  other = await createOrgFixture(sql, 'rpcs-other', { reps: 1 })
})
afterAll(async () => {
  await sql.end()
})

/** Calls `public.<fn>` with named arguments as the user, committed; answers the single value. */
async function call(userId: string | null, fn: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const names = Object.keys(args)
  const { rows } = await asUser(sql, userId, s => s.query(
    `select to_jsonb(public.${fn}(${names.map((name, i) => `${name} => $${i + 1}`).join(', ')})) as result`,
    names.map(name => args[name]),
  ), { commit: true })
  return rows[0].result
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error)

async function lead(id: unknown): Promise<Row> {
  return (await sql.query('select * from public.leads where id = $1', [id])).rows[0] as Row
}

describe('record_contact_attempt', () => {
  it('starts speed to lead, moves the lead to attempting and stops the SLA clock as met', async () => {
    const rep = org.reps[0].id
    const target = await createLead(sql, org, {
      assigned_to: rep, status: 'assigned', sla_state: 'running', sla_due_at: new Date(Date.now() + 600_000),
    })
    const id = randomUUID()
    const at = new Date(Date.now() - 5_000).toISOString()
    const answer = await call(rep, 'record_contact_attempt', { id, lead_id: target.id, occurred_at: at, channel: 'phone' })
    expect(answer).toMatchObject({ id, status: 'applied', lead_id: target.id, sla_state: 'met' })
    expect(await lead(target.id)).toMatchObject({ status: 'attempting', first_contact_at: new Date(at), sla_state: 'met', attempt_count: 0 })

    // Replayed: same answer, no second event.
    expect(await call(rep, 'record_contact_attempt', { id, lead_id: target.id, occurred_at: at, channel: 'phone' }))
      .toMatchObject({ id, status: 'duplicate', sla_state: 'met' })
    const { rows } = await sql.query(
      `select client_ref, actor_id, details from public.lead_events where lead_id = $1 and type = 'contact_attempted'`, [target.id])
    expect(rows).toEqual([{ client_ref: id, actor_id: rep, details: { channel: 'phone', first: true, sla: 'met' } }])

    // A later attempt keeps the first contact time.
    await call(rep, 'record_contact_attempt', { id: randomUUID(), lead_id: target.id })
    expect((await lead(target.id)).first_contact_at).toEqual(new Date(at))
  })

  it('marks the clock breached for an attempt after the due time', async () => {
    const rep = org.reps[0].id
    const due = new Date(Date.now() - 120_000)
    const target = await createLead(sql, org, { assigned_to: rep, status: 'assigned', sla_state: 'running', sla_due_at: due })
    expect(await call(rep, 'record_contact_attempt', { id: randomUUID(), lead_id: target.id })).toMatchObject({ sla_state: 'breached' })
    expect(await lead(target.id)).toMatchObject({ sla_breached_at: due })
  })

  it('refuses leads of other reps and of other organizations, and reused ids', async () => {
    const mine = await createLead(sql, org, { assigned_to: org.reps[0].id, status: 'assigned' })
    const theirs = await createLead(sql, org, { assigned_to: org.reps[1].id, status: 'assigned' })
    const abroad = await createLead(sql, other, { assigned_to: other.reps[0].id, status: 'assigned' })
    expect(sqlState(await failure(call(org.reps[0].id, 'record_contact_attempt', { id: randomUUID(), lead_id: theirs.id })))).toBe('42501')
    expect(sqlState(await failure(call(org.reps[0].id, 'record_contact_attempt', { id: randomUUID(), lead_id: abroad.id })))).toBe('PT404')
    const id = randomUUID()
    await call(org.reps[0].id, 'record_contact_attempt', { id, lead_id: mine.id })
    expect(sqlState(await failure(call(org.reps[1].id, 'record_contact_attempt', { id, lead_id: theirs.id })))).toBe('23505')
    expect(await lead(theirs.id)).toMatchObject({ status: 'assigned', first_contact_at: null })
  })
})

describe('set_availability', () => {
  it('changes only the caller and stamps the change', async () => {
    const [rep, teammate] = org.reps
    const before = (await sql.query('select availability_changed_at from public.members where id = $1', [rep.id])).rows[0]
    expect(await call(rep.id, 'set_availability', { status: 'break' })).toMatchObject({ id: rep.id, availability: 'break' })
    const { rows } = await sql.query('select id, availability, availability_changed_at from public.members where id = any($1) order by id', [[rep.id, teammate.id]])
    expect(rows.find(row => row.id === rep.id)).toMatchObject({ availability: 'break' })
    expect(rows.find(row => row.id === rep.id)!.availability_changed_at.getTime()).toBeGreaterThan(before.availability_changed_at.getTime())
    expect(rows.find(row => row.id === teammate.id)).toMatchObject({ availability: 'on_shift' })
    expect(sqlState(await failure(call(rep.id, 'set_availability', { status: 'asleep' })))).toBe('22P02')
    await call(rep.id, 'set_availability', { status: 'on_shift' })
  })
})

describe('push subscriptions', () => {
  const subscription = (endpoint = `https://push.example.com/send/${randomUUID()}`) => ({
    endpoint, p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg', user_agent_label: 'Pixel 9, Chrome',
  })

  it('registers, re-registers and removes the caller\'s own subscription', async () => {
    const rep = org.reps[0].id
    const details = subscription()
    const stored = await call(rep, 'register_push_subscription', details) as Row
    expect(stored).toMatchObject({ member_id: rep, org_id: org.orgId, ...details, failure_count: 0 })
    await sql.query('update public.push_subscriptions set failure_count = 3 where id = $1', [stored.id])
    expect(await call(rep, 'register_push_subscription', { ...details, auth: 'bmV3LWF1dGg' })).toMatchObject({ id: stored.id, auth: 'bmV3LWF1dGg', failure_count: 0 })
    expect(await call(org.reps[1].id, 'remove_push_subscription', { endpoint: details.endpoint })).toBe(false)
    expect(await call(rep, 'remove_push_subscription', { endpoint: details.endpoint })).toBe(true)
    expect((await sql.query('select count(*)::int as n from public.push_subscriptions where endpoint = $1', [details.endpoint])).rows[0].n).toBe(0)
  })

  it('moves an endpoint to whoever signs in on that browser', async () => {
    const details = subscription()
    await call(org.reps[0].id, 'register_push_subscription', details)
    expect(await call(other.reps[0].id, 'register_push_subscription', details)).toMatchObject({ member_id: other.reps[0].id, org_id: other.orgId })
    expect((await sql.query('select member_id from public.push_subscriptions where endpoint = $1', [details.endpoint])).rows)
      .toEqual([{ member_id: other.reps[0].id }])
  })

  it('refuses endpoints that are not https and malformed keys', async () => {
    expect(sqlState(await failure(call(org.reps[0].id, 'register_push_subscription', subscription('http://push.example.com/x'))))).toBe('23514')
    expect(sqlState(await failure(call(org.reps[0].id, 'register_push_subscription', { ...subscription(), p256dh: 'not base64!' })))).toBe('23514')
  })
})

describe('reassign_lead', () => {
  it('lets a manager move a lead, out of the fallback queue, and records why', async () => {
    const target = await createLead(sql, org, {
      assigned_to: org.manager.id, in_fallback_queue: true, status: 'new', sla_state: 'running',
      sla_due_at: new Date(Date.now() + 60_000), sla_reminded_at: new Date(),
    })
    const to = org.reps[1].id
    expect(await call(org.manager.id, 'reassign_lead', { lead_id: target.id, to_member_id: to, reason: 'Speaks German' }))
      .toMatchObject({ id: target.id, assigned_to: to, in_fallback_queue: false, status: 'assigned', sla_reminded_at: null })
    const { rows } = await sql.query(`select actor_id, details from public.lead_events where lead_id = $1 and type = 'reassigned'`, [target.id])
    expect(rows).toEqual([{ actor_id: org.manager.id, details: { from: org.manager.id, to, reason: 'Speaks German', via: 'manager' } }])
  })

  it('refuses reps, members of other organizations and targets outside the organization', async () => {
    const target = await createLead(sql, org, { assigned_to: org.reps[0].id, status: 'assigned' })
    expect(sqlState(await failure(call(org.reps[0].id, 'reassign_lead', { lead_id: target.id, to_member_id: org.reps[1].id })))).toBe('42501')
    expect(sqlState(await failure(call(other.manager.id, 'reassign_lead', { lead_id: target.id, to_member_id: other.reps[0].id })))).toBe('PT404')
    expect(sqlState(await failure(call(org.manager.id, 'reassign_lead', { lead_id: target.id, to_member_id: other.reps[0].id })))).toBe('22023')
    expect((await lead(target.id)).assigned_to).toBe(org.reps[0].id)
  })
})

describe('queue_summary', () => {
  it('counts what is ready, what waits and the next callbacks', async () => {
    const fixture = await createOrgFixture(sql, 'summary', { reps: 1 })
    const rep = fixture.reps[0].id
    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000)
    await createLead(sql, fixture, { assigned_to: rep, status: 'assigned' })
    await createLead(sql, fixture, { assigned_to: rep, status: 'attempting', next_attempt_at: inMinutes(-1) })
    await createLead(sql, fixture, { assigned_to: rep, status: 'attempting', next_attempt_at: inMinutes(90) })
    const callback = await createLead(sql, fixture, { assigned_to: rep, status: 'contacted', full_name: 'Call Me', company: 'Later Inc', callback_at: inMinutes(30) })
    await createLead(sql, fixture, { assigned_to: rep, status: 'converted' })
    await createLead(sql, fixture, { assigned_to: null, status: 'new' })
    await createLead(sql, fixture, { assigned_to: null, status: 'new', is_spam: true })
    const summary = await call(rep, 'queue_summary') as Row
    expect(summary).toMatchObject({
      ready: 3, own_ready: 2, pool_ready: 1, scheduled: 2, open_leads: 4, capacity: 10, availability: 'on_shift',
      upcoming_callbacks: [{ lead_id: callback.id, full_name: 'Call Me', company: 'Later Inc', callback_at: expect.any(String) }],
    })
    expect(new Date(summary.next_scheduled_at as string).getTime()).toBe((callback.callback_at as Date).getTime())
  })

  it('says when it was answered by the server\'s clock', async () => {
    const fixture = await createOrgFixture(sql, 'summary-clock', { reps: 1 })
    const { rows } = await sql.query('select now() as before')
    const summary = await call(fixture.reps[0].id, 'queue_summary') as Row
    const { rows: after } = await sql.query('select now() as after')
    const generatedAt = Date.parse(summary.generated_at as string)
    expect(generatedAt).toBeGreaterThanOrEqual((rows[0].before as Date).getTime())
    expect(generatedAt).toBeLessThanOrEqual((after[0].after as Date).getTime())
  })
})

describe('what the tables refuse whoever asks', () => {
  it('keeps lead_events append-only, even for the owner, but lets an erased lead take its events along', async () => {
    const target = await createLead(sql, org)
    await sql.query(`insert into public.lead_events (lead_id, org_id, type) values ($1, $2, 'created')`, [target.id, org.orgId])
    for (const statement of ['update public.lead_events set details = \'{"x":1}\' where lead_id = $1', 'delete from public.lead_events where lead_id = $1']) {
      const error = await failure(sql.query(statement, [target.id])) as Error
      expect(sqlState(error)).toBe('42501')
      expect(error.message).toMatch(/lead_events is append-only/)
    }
    await sql.query('delete from public.leads where id = $1', [target.id])
    expect((await sql.query('select count(*)::int as n from public.lead_events where lead_id = $1', [target.id])).rows[0].n).toBe(0)
  })

  it('refuses TRUNCATE of lead_events, directly or through its leads, even for the owner', async () => {
    const target = await createLead(sql, org)
    await sql.query(`insert into public.lead_events (lead_id, org_id, type) values ($1, $2, 'created')`, [target.id, org.orgId])
    for (const statement of ['truncate public.lead_events', 'truncate public.leads cascade']) {
      // In a transaction, so a TRUNCATE that went through would be rolled back, not kept.
      await sql.query('begin')
      try {
        const error = await failure(sql.query(statement)) as Error | undefined
        expect(error, `${statement} went through`).toBeInstanceOf(Error)
        expect(sqlState(error)).toBe('42501')
        expect(error?.message).toMatch(/lead_events is append-only: TRUNCATE refused/)
      }
      finally {
        await sql.query('rollback')
      }
    }
    expect((await sql.query('select count(*)::int as n from public.lead_events where lead_id = $1', [target.id])).rows[0].n).toBe(1)
  })

  it('lets members edit their profile but only admins what decides access and routing', async () => {
    const rep = org.reps[0].id
    const update = (userId: string, set: string) => asUser(sql, userId, s => s.query(`update public.members set ${set} where id = $1`, [rep]))
    await update(rep, `full_name = 'Renamed', push_warm = true, working_hours = '{"1":[{"start":"08:00","end":"16:00"}]}'`)
    for (const set of [`role = 'admin'`, 'capacity = 99', `territories = '{US}'`, 'active = false', `team_id = null`])
      expect(sqlState(await failure(update(rep, set)))).toBe('42501')
    await update(org.admin.id, `role = 'manager', capacity = 99`)
    expect(sqlState(await failure(update(org.admin.id, `org_id = '${other.orgId}'`)))).toBe('42501')
  })

  it('keeps the internals of the RPCs out of reach', async () => {
    const forged = `(select m from public.members m where m.id = '${org.admin.id}')`
    const apply = `select private.apply_disposition(${forged}, '{}'::jsonb)`
    expect(sqlState(await failure(asUser(sql, org.reps[0].id, s => s.query(apply))))).toBe('42501')
    expect(sqlState(await failure(asUser(sql, null, s => s.query('select private.current_org_id()'))))).toBe('42501')
  })

  it('never shows a source key hash through the API roles', async () => {
    for (const user of [org.reps[0].id, org.manager.id, org.admin.id]) {
      expect(sqlState(await failure(asUser(sql, user, s => s.query('select key_hash from public.lead_sources'))))).toBe('42501')
      expect(sqlState(await failure(asUser(sql, user, s => s.query('select * from public.lead_sources'))))).toBe('42501')
      const { rows } = await asUser(sql, user, s => s.query('select id, name, key_prefix from public.lead_sources'))
      expect(rows).toEqual([{ id: org.sourceId, name: 'Web form', key_prefix: org.sourceKey.slice(0, 12) }])
    }
  })
})
