// The sender against a local HTTPS push service: real VAPID signing, real aes128gcm encryption.
import webpush from 'web-push'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_PUSH_TTL_SECONDS } from '../../../supabase/functions/_shared/push/delivery-options.ts'
import { MAX_PUSH_PAYLOAD_BYTES, pushFieldLimits } from '../../../supabase/functions/_shared/push/payload.ts'
import type { LeadPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'
import { sendLeadAlert, webPushDeps } from '../../../supabase/functions/_shared/push/send-push.ts'
import type { PushTarget, SendLeadAlertOptions, SendPushDeps } from '../../../supabase/functions/_shared/push/send-push.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { PushServiceDouble } from '../../support/push-service-double.ts'

const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@pronto.test' }
let double: PushServiceDouble

beforeAll(async () => {
  double = await startPushServiceDouble()
})
afterAll(async () => {
  await double.close()
})

function hotLead(overrides: Partial<LeadPushPayload> = {}): LeadPushPayload {
  return {
    kind: 'hot_lead',
    leadId: crypto.randomUUID(),
    name: 'Dana Whitfield',
    company: 'Northwind Traders',
    tier: 'HOT',
    source: 'Website form',
    waitingSince: new Date().toISOString(),
    phone: '+14155550123',
    ...overrides,
  }
}

/** Real web-push; sleeps are recorded and skipped, and the clock moves by what was "slept". */
function recordingDeps(): SendPushDeps & { sleeps: number[] } {
  const sleeps: number[] = []
  let slept = 0
  return {
    sendNotification: webPushDeps.sendNotification,
    sleep: async (ms) => {
      sleeps.push(ms)
      slept += ms
    },
    now: () => Date.now() + slept,
    sleeps,
  }
}

function options(overrides: Partial<SendLeadAlertOptions> = {}): SendLeadAlertOptions {
  return { vapid, slaDueAt: new Date(Date.now() + 5 * 60_000).toISOString(), agent: double.agent, ...overrides }
}

function device() {
  return double.createDevice({ applicationServerKey: vapid.publicKey })
}

describe('sendLeadAlert', () => {
  it('delivers an encrypted, VAPID-signed HOT alert the device can read', async () => {
    const phone = device()
    const payload = hotLead()
    const [delivery] = await sendLeadAlert(recordingDeps(), [phone.subscription], payload, options())

    expect(delivery).toMatchObject({ outcome: 'sent', statusCode: 201, attempts: 1, error: null })
    const [push] = double.receivedBy(phone)
    expect(push?.rejection).toBeNull()
    expect(push?.payload).toEqual(payload)
    expect(push?.vapid).toMatchObject({ audience: double.origin, subject: vapid.subject, publicKey: vapid.publicKey })
    expect(push!.vapid!.expiresAt - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600)
    expect(push?.contentEncoding).toBe('aes128gcm')
    expect(push?.urgency).toBe('high')
    expect(push?.topic).toBe(payload.leadId!.replaceAll('-', ''))
    // Five minutes of SLA left: the push service may not keep it any longer.
    expect(push?.ttl).toBeGreaterThan(290)
    expect(push?.ttl).toBeLessThanOrEqual(300)
  })

  it('sends WARM alerts at normal urgency, with the TTL capped', async () => {
    const phone = device()
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString()
    await sendLeadAlert(recordingDeps(), [phone.subscription], hotLead({ kind: 'warm_lead', tier: 'WARM' }), options({ slaDueAt: inThreeDays }))
    const [push] = double.receivedBy(phone)
    expect(push?.urgency).toBe('normal')
    expect(push?.ttl).toBe(MAX_PUSH_TTL_SECONDS)
  })

  it('reports each device in order: gone for 410 and 404, sent for the rest', async () => {
    const [kept, unsubscribed, unknown] = [device(), device(), device()]
    double.unsubscribe(unsubscribed)
    double.script(unknown, [{ status: 404 }])
    const deliveries = await sendLeadAlert(
      recordingDeps(),
      [kept.subscription, unsubscribed.subscription, unknown.subscription],
      hotLead(),
      options(),
    )
    expect(deliveries.map(d => [d.outcome, d.statusCode, d.attempts])).toEqual([['sent', 201, 1], ['gone', 410, 1], ['gone', 404, 1]])
    expect(deliveries.map(d => d.subscription)).toEqual([kept.subscription, unsubscribed.subscription, unknown.subscription])
  })

  it('retries a 429 after the Retry-After delay and then delivers', async () => {
    const phone = device()
    double.script(phone, [{ status: 429, retryAfter: '2' }])
    const deps = recordingDeps()
    const [delivery] = await sendLeadAlert(deps, [phone.subscription], hotLead(), options())

    expect(delivery).toMatchObject({ outcome: 'sent', statusCode: 201, attempts: 2 })
    expect(deps.sleeps).toEqual([2000])
    const pushes = double.receivedBy(phone)
    expect(pushes.map(p => p.status)).toEqual([429, 201])
    // The retry carries the same message, with the time waited taken off its TTL.
    expect(pushes[1]?.payload).toEqual(pushes[0]?.payload)
    expect(pushes[1]!.ttl!).toBeLessThanOrEqual(pushes[0]!.ttl! - 2)
  })

  it('honors a Retry-After given as an HTTP date', async () => {
    const phone = device()
    const deps = recordingDeps()
    double.script(phone, [{ status: 503, retryAfter: new Date(Date.now() + 3000).toUTCString() }])
    const [delivery] = await sendLeadAlert(deps, [phone.subscription], hotLead(), options())
    expect(delivery?.outcome).toBe('sent')
    // HTTP dates have whole seconds, so the wait is a little under 3 s.
    expect(deps.sleeps).toHaveLength(1)
    expect(deps.sleeps[0]).toBeGreaterThan(1500)
    expect(deps.sleeps[0]).toBeLessThanOrEqual(3000)
  })

  it('gives up on a failing push service after bounded attempts, with exponential backoff', async () => {
    const phone = device()
    double.script(phone, [], { status: 500 })
    const deps = recordingDeps()
    const [delivery] = await sendLeadAlert(deps, [phone.subscription], hotLead(), options())

    expect(delivery).toMatchObject({ outcome: 'retry', statusCode: 500, attempts: 4 })
    expect(deps.sleeps).toEqual([500, 1000, 2000])
    expect(double.receivedBy(phone)).toHaveLength(4)
  })

  it('does not wait past its time budget when Retry-After asks for too long', async () => {
    const phone = device()
    double.script(phone, [{ status: 429, retryAfter: '120' }])
    const deps = recordingDeps()
    const [delivery] = await sendLeadAlert(deps, [phone.subscription], hotLead(), options())
    expect(delivery).toMatchObject({ outcome: 'retry', statusCode: 429, attempts: 1, retryAfterMs: 120_000 })
    expect(deps.sleeps).toEqual([])
  })

  it('fails without retrying when the push service refuses the sender (403: other VAPID key)', async () => {
    const otherServer = webpush.generateVAPIDKeys()
    const phone = double.createDevice({ applicationServerKey: otherServer.publicKey })
    const deps = recordingDeps()
    const [delivery] = await sendLeadAlert(deps, [phone.subscription], hotLead(), options())
    expect(delivery).toMatchObject({ outcome: 'failed', statusCode: 403, attempts: 1 })
    expect(deps.sleeps).toEqual([])
  })

  it('retries network errors and reports retry when the service stays unreachable', async () => {
    const unreachable: PushTarget = { ...device().subscription, endpoint: 'https://127.0.0.1:1/push/nowhere' }
    const deps = recordingDeps()
    const [delivery] = await sendLeadAlert(deps, [unreachable], hotLead(), options({ retry: { maxAttempts: 2 } }))
    expect(delivery).toMatchObject({ outcome: 'retry', statusCode: null, attempts: 2 })
    expect(delivery?.error).toMatch(/ECONNREFUSED/)
  })

  it('fails at once on a certificate it does not trust: a setup fault, not a passing one', async () => {
    const deps = recordingDeps()
    const [delivery] = await sendLeadAlert(deps, [device().subscription], hotLead(), options({ agent: undefined }))
    expect(delivery).toMatchObject({ outcome: 'failed', statusCode: null, attempts: 1 })
    expect(delivery?.error).toMatch(/certificate/)
  })

  it('keeps huge lead fields within the 4 KB push limit', async () => {
    const phone = device()
    const payload = hotLead({ name: 'Ä'.repeat(5000), company: '"'.repeat(5000), source: '😀'.repeat(5000) })
    const [delivery] = await sendLeadAlert(recordingDeps(), [phone.subscription], payload, options())
    expect(delivery?.outcome).toBe('sent')
    const [push] = double.receivedBy(phone)
    expect(push?.bodyBytes).toBeLessThanOrEqual(4096)
    const received = push?.payload as LeadPushPayload
    expect(Array.from(received.name)).toHaveLength(pushFieldLimits.name)
    expect(received.leadId).toBe(payload.leadId)
  })
})

describe('the push-service double', () => {
  it('refuses a body over 4096 bytes, as real push services do', async () => {
    const phone = device()
    const tooBig = 'x'.repeat(MAX_PUSH_PAYLOAD_BYTES + 1)
    const error = await webpush.sendNotification(
      { endpoint: phone.subscription.endpoint, keys: { p256dh: phone.subscription.p256dh, auth: phone.subscription.auth } },
      tooBig,
      { vapidDetails: vapid, TTL: 60, agent: double.agent },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ statusCode: 413 })
  })

  it('refuses a push that is not encrypted for the device', async () => {
    const phone = device()
    const someoneElse = device()
    const error = await webpush.sendNotification(
      { endpoint: phone.subscription.endpoint, keys: { p256dh: someoneElse.subscription.p256dh, auth: someoneElse.subscription.auth } },
      'hello',
      { vapidDetails: vapid, TTL: 60, agent: double.agent },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ statusCode: 400 })
    expect(double.receivedBy(phone)[0]?.rejection).toMatch(/decrypt/)
  })

  it('refuses a VAPID token signed for another push service', async () => {
    const phone = device()
    const details = webpush.generateRequestDetails(
      { endpoint: 'https://push.example.net/push/x', keys: { p256dh: phone.subscription.p256dh, auth: phone.subscription.auth } },
      'hello',
      { vapidDetails: vapid, TTL: 60 },
    )
    const response = await fetchThroughDouble(phone.subscription.endpoint, details.headers, details.body)
    expect(response).toBe(401)
    expect(double.receivedBy(phone)[0]?.rejection).toMatch(/aud/)
  })
})

async function fetchThroughDouble(endpoint: string, headers: Record<string, string | number>, body: Buffer): Promise<number> {
  const https = await import('node:https')
  return new Promise((resolve, reject) => {
    const request = https.request(endpoint, { method: 'POST', headers, agent: double.agent }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('error', reject)
    request.end(body)
  })
}
