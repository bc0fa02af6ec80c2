// The reassign-lead function: reassign_lead() run as the calling manager, then a 'reassigned'
// push to the new owner's phone through the push-service double (VAPID checked, payload decrypted),
// its outcome in the lead's events. Refusals come from the SQL, as the caller.
import type { SupabaseClient } from '@supabase/supabase-js'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { invokeFunction, leadEvents } from '../../support/clients.ts'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { FakeDevice, PushServiceDouble } from '../../support/push-service-double.ts'
import { createLead, createOrgFixture } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { clientFor } from '../manager/support.ts'

let org: OrgFixture
let double: PushServiceDouble
let manager: SupabaseClient
const devices = new Map<string, FakeDevice>()
const sql = fileSqlClient(() => double.close())

beforeAll(async () => {
  org = await createOrgFixture(sql, 'reassign-push', { reps: 2 })
  double = await startPushServiceDouble({ ca: inject('pushDoubleCa') })
  for (const member of [org.manager, ...org.reps]) {
    const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
    devices.set(member.id, device)
    await sql.query(`insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth) values ($1, $2, $3, $4, $5)`,
      [member.id, org.orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth])
  }
  manager = await clientFor(org.manager.email)
})

const reassign = (client: SupabaseClient, body: Record<string, unknown>) => invokeFunction(client, 'reassign-lead', body)

const events = (leadId: unknown) => leadEvents(sql, leadId)

async function ownerOf(leadId: unknown): Promise<string | null> {
  const { rows } = await sql.query('select assigned_to from public.leads where id = $1', [leadId])
  return rows[0].assigned_to
}

describe('reassign-lead', () => {
  it('moves the lead and buzzes the new owner\'s phone with a decryptable \'reassigned\' alert', async () => {
    const [from, to] = org.reps
    const dueAt = new Date(Date.now() + 20 * 60_000)
    const lead = await createLead(sql, org, {
      full_name: 'Rita Reassign', company: 'Moves Ltd', phone: '+14155550123', tier: 'HOT',
      assigned_to: from.id, status: 'assigned', sla_state: 'running', sla_started_at: new Date(), sla_due_at: dueAt,
    })

    const answer = await reassign(manager, { lead_id: lead.id, to_member_id: to.id, reason: 'she asked for Spanish' })
    expect(answer).toEqual({ status: 200, body: { lead_id: lead.id, assigned_to: to.id, push: 'sent' } })
    expect(await ownerOf(lead.id)).toBe(to.id)

    // The function answers once the push service has accepted it.
    const pushes = double.receivedBy(devices.get(to.id)!)
    expect(pushes).toHaveLength(1)
    const [push] = pushes
    expect(push).toMatchObject({ status: 201, rejection: null, urgency: 'high', topic: (lead.id as string).replaceAll('-', '') })
    expect(push.vapid).toMatchObject({ publicKey: inject('stack').vapidPublicKey, audience: double.origin })
    expect(push.payload).toEqual({
      kind: 'reassigned', leadId: lead.id, name: 'Rita Reassign', company: 'Moves Ltd', tier: 'HOT', source: 'Web form',
      waitingSince: (lead.created_at as Date).toISOString(), phone: '+14155550123',
    })
    // Held no longer than the lead's SLA window.
    expect(push.ttl).toBeGreaterThan(0)
    expect(push.ttl).toBeLessThanOrEqual(20 * 60)
    expect(double.receivedBy(devices.get(from.id)!)).toEqual([])

    const trail = await events(lead.id)
    expect(trail.map(event => [event.type, event.details.kind ?? null, event.details.member_id ?? null])).toEqual([
      ['reassigned', null, null],
      ['push_sent', 'reassigned', to.id],
    ])
    expect(trail[0]).toMatchObject({ actor_id: org.manager.id, details: { from: from.id, to: to.id, reason: 'she asked for Spanish', via: 'manager' } })
  })

  it('sends nothing when nothing changed or the manager takes the lead over', async () => {
    const [rep] = org.reps
    const lead = await createLead(sql, org, { assigned_to: rep.id, status: 'assigned' })
    const before = double.received.length

    expect((await reassign(manager, { lead_id: lead.id, to_member_id: rep.id })).body.push).toBe('not_needed')
    expect(await events(lead.id)).toEqual([])

    expect((await reassign(manager, { lead_id: lead.id, to_member_id: org.manager.id })).body).toEqual({
      lead_id: lead.id, assigned_to: org.manager.id, push: 'not_needed',
    })
    expect(await ownerOf(lead.id)).toBe(org.manager.id)
    expect((await events(lead.id)).map(event => event.type)).toEqual(['reassigned'])
    expect(double.received.length).toBe(before)
  })

  it('refuses a rep (the SQL\'s own check, as the caller) and moves and sends nothing', async () => {
    const [first, second] = org.reps
    const lead = await createLead(sql, org, { assigned_to: first.id, status: 'assigned' })
    const before = double.received.length
    const rep = await clientFor(first.email)

    expect(await reassign(rep, { lead_id: lead.id, to_member_id: second.id })).toMatchObject({ status: 403, body: { error: { code: '42501' } } })
    expect(await reassign(manager, { lead_id: '00000000-0000-4000-8000-000000000000', to_member_id: second.id })).toMatchObject({ status: 404 })
    expect(await reassign(manager, { lead_id: lead.id, to_member_id: 'nobody' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } })
    expect(await ownerOf(lead.id)).toBe(first.id)
    expect(await events(lead.id)).toEqual([])
    expect(double.received.length).toBe(before)
  })
})
