// End to end: a HOT lead ingested through the stack buzzes the assigned rep's phone. The push
// double receives what the Deno function sent with web-push, checks its VAPID signature and
// decrypts it with the device's keys; the outcome lands in the lead's events.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { FakeDevice, PushServiceDouble } from '../../support/push-service-double.ts'
import type { OrgFixture } from '../database/fixture.ts'
import type { IngestAnswer } from './support.ts'
import { createIngestOrg, postLead, uniqueEmail } from './support.ts'

let sql: pg.Client
let double: PushServiceDouble
let org: OrgFixture
let phone: FakeDevice

const hotLead = {
  name: 'Hana Hot',
  title: 'VP of Operations',
  form_type: 'Demo request',
  company_size: '2000',
  company: 'Kettle & Co',
  phone: '+1 646 555 0177',
}

/** A device subscribed to alerts for `memberId`. */
async function subscribedDevice(memberId: string, orgId: string): Promise<FakeDevice> {
  const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
  await sql.query(
    `insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth, user_agent_label)
     values ($1, $2, $3, $4, $5, 'phone')`,
    [memberId, orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth],
  )
  return device
}

beforeAll(async () => {
  sql = await sqlClient()
  double = await startPushServiceDouble({ ca: inject('pushDoubleCa') })
  org = await createIngestOrg(sql, 'push', { reps: 1 })
  phone = await subscribedDevice(org.reps[0]!.id, org.orgId)
})
afterAll(async () => {
  await sql.end()
  await double.close()
})

async function pushSent(leadId: string): Promise<Record<string, unknown>> {
  return await eventually(async () => {
    const { rows } = await sql.query(`select details from public.lead_events where lead_id = $1 and type = 'push_sent'`, [leadId])
    return rows[0]?.details as Record<string, unknown> | undefined
  })
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined)
      return value
    if (Date.now() > deadline)
      throw new Error('timed out waiting')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('web push for new leads', () => {
  it('sends the assigned rep a decryptable HOT alert and records it as sent', { timeout: 30_000 }, async () => {
    const arrived = double.nextPush(phone, 20_000)
    const response = await postLead({ ...hotLead, email: uniqueEmail('hot') }, { key: org.sourceKey })
    expect(response.status).toBe(201)
    const answer = await response.json() as IngestAnswer
    expect(answer.assigned_to).toBe(org.reps[0]!.id)

    const push = await arrived
    expect(push.rejection).toBeNull()
    expect(push.vapid?.publicKey).toBe(inject('stack').vapidPublicKey)
    expect(push.urgency).toBe('high')
    expect(push.topic).toBe(answer.lead_id.replaceAll('-', ''))
    // No longer than the HOT SLA window (one minute).
    expect(push.ttl).toBeGreaterThan(0)
    expect(push.ttl).toBeLessThanOrEqual(60)
    expect(push.payload).toEqual({
      kind: 'hot_lead',
      leadId: answer.lead_id,
      name: 'Hana Hot',
      company: 'Kettle & Co',
      tier: 'HOT',
      source: 'Web form',
      waitingSince: expect.any(String),
      phone: '+16465550177',
    })

    const sent = await eventually(async () => {
      const { rows } = await sql.query(`select details from public.lead_events where lead_id = $1 and type = 'push_sent'`, [answer.lead_id])
      return rows[0]?.details as Record<string, unknown> | undefined
    })
    expect(sent).toMatchObject({ kind: 'hot_lead', outcome: 'sent', member_id: org.reps[0]!.id, status: 201 })
  })

  it('alerts for WARM leads only reps who asked for them', { timeout: 30_000 }, async () => {
    const warm = { name: 'Walt Warm', title: 'Operations Manager', form_type: 'Contact us', country: 'US', email: uniqueEmail('warm') }
    const before = double.receivedBy(phone).length
    const quiet = await postLead(warm, { key: org.sourceKey })
    const quietAnswer = await quiet.json() as IngestAnswer
    const { rows: [quietLead] } = await sql.query('select tier from public.leads where id = $1', [quietAnswer.lead_id])
    expect(quietLead.tier).toBe('WARM')

    await sql.query('update public.members set push_warm = true where id = $1', [org.reps[0]!.id])
    const arrived = double.nextPush(phone, 20_000)
    const loud = await postLead({ ...warm, email: uniqueEmail('warm') }, { key: org.sourceKey })
    const loudAnswer = await loud.json() as IngestAnswer
    const push = await arrived
    expect(push.payload).toMatchObject({ kind: 'warm_lead', leadId: loudAnswer.lead_id, tier: 'WARM' })
    expect(push.urgency).toBe('normal')
    // Exactly one push since: the WARM lead before the opt-in got none.
    expect(double.receivedBy(phone).length).toBe(before + 1)
  })

  it('alerts the owner of a lead that comes back HOT', { timeout: 30_000 }, async () => {
    const email = uniqueEmail('back')
    const first = await postLead({ name: 'Cora Cold', email }, { key: org.sourceKey })
    const firstAnswer = await first.json() as IngestAnswer
    const { rows: [before] } = await sql.query('select tier, assigned_to from public.leads where id = $1', [firstAnswer.lead_id])
    expect(before).toEqual({ tier: 'COLD', assigned_to: org.reps[0]!.id })

    const arrived = double.nextPush(phone, 20_000)
    const again = await postLead({ ...hotLead, name: 'Cora Cold', email }, { key: org.sourceKey })
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ lead_id: firstAnswer.lead_id, status: 'merged', assigned_to: org.reps[0]!.id })
    const push = await arrived
    expect(push.payload).toMatchObject({ kind: 'hot_lead', leadId: firstAnswer.lead_id, tier: 'HOT', name: 'Cora Cold' })
    expect(await pushSent(firstAnswer.lead_id)).toMatchObject({ kind: 'hot_lead', member_id: org.reps[0]!.id })
  })

  it('alerts the fallback queue\'s owner of a HOT lead nobody could take', { timeout: 30_000 }, async () => {
    const busy = await createIngestOrg(sql, 'push-fallback', { reps: 1 })
    await sql.query(`update public.members set availability = 'off' where id = $1`, [busy.reps[0]!.id])
    const managerPhone = await subscribedDevice(busy.manager.id, busy.orgId)
    const repPhone = await subscribedDevice(busy.reps[0]!.id, busy.orgId)

    const arrived = double.nextPush(managerPhone, 20_000)
    const response = await postLead({ ...hotLead, email: uniqueEmail('queued') }, { key: busy.sourceKey })
    const answer = await response.json() as IngestAnswer
    expect(answer).toMatchObject({ status: 'new', assigned_to: busy.manager.id })
    const push = await arrived
    expect(push.payload).toMatchObject({ kind: 'hot_lead', leadId: answer.lead_id, tier: 'HOT' })
    expect(await pushSent(answer.lead_id)).toMatchObject({ kind: 'hot_lead', member_id: busy.manager.id })
    expect(double.receivedBy(repPhone)).toHaveLength(0)
  })
})
