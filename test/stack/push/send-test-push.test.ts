// The send-test-push function: the test payload sent through the push services (here the double,
// which checks VAPID and decrypts) to the caller's own devices only, each device's outcome answered
// and recorded like any alert's (a gone subscription is forgotten).
import type { SupabaseClient } from '@supabase/supabase-js'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { invokeFunction } from '../../support/clients.ts'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { FakeDevice, PushServiceDouble } from '../../support/push-service-double.ts'
import { createOrgFixture } from '../database/fixture.ts'
import type { FixtureUser, OrgFixture } from '../database/fixture.ts'
import { clientFor } from '../manager/support.ts'

let org: OrgFixture
let double: PushServiceDouble
const sql = fileSqlClient(() => double.close())

beforeAll(async () => {
  org = await createOrgFixture(sql, 'test-push', { reps: 2 })
  double = await startPushServiceDouble({ ca: inject('pushDoubleCa') })
})

async function subscribed(member: FixtureUser, label: string): Promise<FakeDevice> {
  const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
  await sql.query(`insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth, user_agent_label) values ($1, $2, $3, $4, $5, $6)`,
    [member.id, org.orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth, label])
  return device
}

const sendTest = (client: SupabaseClient, body?: Record<string, unknown>) => invokeFunction(client, 'send-test-push', body)

describe('send-test-push', () => {
  it('sends the test alert to this device through its push service and says it was accepted', async () => {
    const [rep, other] = org.reps
    const phone = await subscribed(rep, 'Android · Chrome')
    const laptop = await subscribed(rep, 'Linux · Chrome')
    const colleague = await subscribed(other, 'Android · Chrome')
    const client = await clientFor(rep.email)

    const answer = await sendTest(client, { endpoint: phone.subscription.endpoint })
    expect(answer).toEqual({ status: 200, body: { deliveries: [expect.objectContaining({ device: 'Android · Chrome', outcome: 'sent', status: 201, error: null })] } })
    const [push] = double.receivedBy(phone)
    expect(push).toMatchObject({ status: 201, rejection: null, topic: 'pronto-test' })
    expect(push.vapid).toMatchObject({ publicKey: inject('stack').vapidPublicKey, audience: double.origin })
    expect(push.payload).toMatchObject({ kind: 'test', leadId: null, name: 'Pronto', source: 'Test notification' })
    // A test is about now: held a minute at most.
    expect(push.ttl).toBeGreaterThan(0)
    expect(push.ttl).toBeLessThanOrEqual(60)
    expect(double.receivedBy(laptop)).toEqual([])
    expect(double.receivedBy(colleague)).toEqual([])
    const { rows } = await sql.query('select last_success_at from public.push_subscriptions where endpoint = $1', [phone.subscription.endpoint])
    expect(rows[0].last_success_at).not.toBeNull()
  })

  it('without an endpoint tests every device of the caller\'s, says which failed and why, and forgets a gone one', async () => {
    const rep = org.reps[1]
    const live = await subscribed(rep, 'Android · Firefox')
    const busy = await subscribed(rep, 'Windows · Edge')
    const gone = await subscribed(rep, 'iPhone · Safari')
    double.script(busy, [], { status: 429, retryAfter: '120' })
    double.unsubscribe(gone)
    const client = await clientFor(rep.email)

    const answer = await sendTest(client)
    expect(answer.status).toBe(200)
    const byDevice = Object.fromEntries((answer.body.deliveries as Array<{ device: string }>).map(delivery => [delivery.device, delivery]))
    // Their phone from the first test is among them; the first rep's laptop ('Linux · Chrome') is not.
    expect(Object.keys(byDevice).sort()).toEqual(['Android · Chrome', 'Android · Firefox', 'Windows · Edge', 'iPhone · Safari'])
    expect(byDevice['Android · Firefox']).toMatchObject({ outcome: 'sent', status: 201 })
    expect(byDevice['Windows · Edge']).toMatchObject({ outcome: 'retry', status: 429, retry_after_ms: 120_000 })
    expect(byDevice['iPhone · Safari']).toMatchObject({ outcome: 'gone', status: 410 })
    expect((double.receivedBy(live)[0]?.payload as { kind: string }).kind).toBe('test')
    const { rows } = await sql.query('select user_agent_label from public.push_subscriptions where member_id = $1 order by 1', [rep.id])
    expect(rows.map(row => row.user_agent_label)).toEqual(['Android · Chrome', 'Android · Firefox', 'Windows · Edge'])
  })

  it('tells a device the server does not know, and a member with none, to turn alerts on again', async () => {
    const client = await clientFor(org.manager.email)
    expect(await sendTest(client, { endpoint: 'https://push.example.test/unknown' })).toMatchObject({ status: 404, body: { error: { code: 'not_subscribed' } } })
    expect(await sendTest(client)).toMatchObject({ status: 404, body: { error: { code: 'not_subscribed' } } })
    expect(await sendTest(client, { endpoint: 'http://insecure' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } })
  })
})
