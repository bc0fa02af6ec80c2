// The server side of a lead alert against the local stack: subscriptions read with the service
// client, sent through the push-service double, outcomes written back through the REST API.
import { createClient } from '@supabase/supabase-js'
import type pg from 'pg'
import webpush from 'web-push'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import type { LeadPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'
import { recordPushOutcomes } from '../../../supabase/functions/_shared/push/record-push-outcomes.ts'
import type { PushOutcomeDb, StoredPushSubscription } from '../../../supabase/functions/_shared/push/record-push-outcomes.ts'
import { sendLeadAlert, webPushDeps } from '../../../supabase/functions/_shared/push/send-push.ts'
import { sqlClient } from '../../support/clients.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { FakeDevice, PushServiceDouble } from '../../support/push-service-double.ts'

const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@pronto.test' }
let double: PushServiceDouble
let sql: pg.Client
let rep: { id: string, org_id: string }
/** Leads this file creates in the demo org, removed afterwards so the seed's invariants hold for other files. */
const createdLeadIds: string[] = []

/** The edge functions' kind of client: service role, no generated types. */
function serviceDb() {
  const { apiUrl, serviceRoleKey } = inject('stack')
  return createClient(apiUrl, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })
}

async function subscribe(device: FakeDevice, failureCount = 0): Promise<void> {
  await sql.query(
    `insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth, user_agent_label, failure_count)
     values ($1, $2, $3, $4, $5, 'test phone', $6)`,
    [rep.id, rep.org_id, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth, failureCount],
  )
}

beforeAll(async () => {
  double = await startPushServiceDouble()
  sql = await sqlClient()
  const { rows } = await sql.query<{ id: string, org_id: string }>(
    `select id, org_id from public.members where email = 'rep1@demo.pronto.test'`,
  )
  rep = rows[0]!
  await sql.query('delete from public.push_subscriptions where member_id = $1', [rep.id])
})

afterAll(async () => {
  await sql.query('delete from public.push_subscriptions where member_id = $1', [rep.id])
  await sql.query('delete from public.leads where id = any($1::uuid[])', [createdLeadIds])
  await sql.end()
  await double.close()
})

describe('a HOT lead alert to a rep with three devices', () => {
  it('reaches the live device, forgets the dead one, counts the failing one and records every outcome', async () => {
    const { rows: [lead] } = await sql.query<{ id: string, created_at: Date }>(
      `insert into public.leads (org_id, full_name, company, phone, tier, score)
       values ($1, 'Ines Duarte', 'Atlântico Tiles', '+351912345678', 'HOT', 91) returning id, created_at`,
      [rep.org_id],
    )
    createdLeadIds.push(lead.id)
    const [live, dead, failing] = [double.createDevice(), double.createDevice(), double.createDevice()]
    double.unsubscribe(dead)
    double.script(failing, [], { status: 503 })
    await subscribe(live)
    await subscribe(dead)
    await subscribe(failing, 2)

    const db = serviceDb()
    const { data: subscriptions, error } = await db.from('push_subscriptions')
      .select('id, member_id, org_id, endpoint, p256dh, auth, failure_count')
      .eq('member_id', rep.id)
      .order('created_at')
    expect(error).toBeNull()
    const payload: LeadPushPayload = {
      kind: 'hot_lead',
      leadId: lead!.id,
      name: 'Ines Duarte',
      company: 'Atlântico Tiles',
      tier: 'HOT',
      source: 'Website form',
      waitingSince: lead!.created_at.toISOString(),
      phone: '+351912345678',
    }
    const deliveries = await sendLeadAlert(
      { ...webPushDeps, sleep: async () => {} },
      subscriptions as StoredPushSubscription[],
      payload,
      { vapid, slaDueAt: new Date(Date.now() + 5 * 60_000).toISOString(), agent: double.agent, retry: { maxAttempts: 2 } },
    )
    expect(deliveries.map(d => d.outcome).sort()).toEqual(['gone', 'retry', 'sent'])
    expect(double.receivedBy(live)[0]?.payload).toEqual(payload)

    const occurredAt = new Date().toISOString()
    const client: PushOutcomeDb = db
    await recordPushOutcomes(client, deliveries, { kind: 'hot_lead', leadId: lead!.id, orgId: rep.org_id, occurredAt })

    const { rows: stored } = await sql.query<{ endpoint: string, failure_count: number, last_success_at: Date | null }>(
      'select endpoint, failure_count, last_success_at from public.push_subscriptions where member_id = $1',
      [rep.id],
    )
    const byEndpoint = new Map(stored.map(row => [row.endpoint, row]))
    expect(byEndpoint.has(dead.subscription.endpoint)).toBe(false)
    expect(byEndpoint.get(live.subscription.endpoint)).toMatchObject({ failure_count: 0, last_success_at: new Date(occurredAt) })
    expect(byEndpoint.get(failing.subscription.endpoint)).toMatchObject({ failure_count: 3, last_success_at: null })

    const { rows: events } = await sql.query<{ type: string, actor_id: string | null, details: Record<string, unknown> }>(
      `select type, actor_id, details from public.lead_events
       where lead_id = $1 and type in ('push_sent', 'push_failed') order by details->>'outcome'`,
      [lead!.id],
    )
    expect(events.map(e => [e.type, e.details.outcome, e.details.status])).toEqual([
      ['push_failed', 'gone', 410],
      ['push_failed', 'retry', 503],
      ['push_sent', 'sent', 201],
    ])
    expect(events.every(e => e.actor_id === null && e.details.member_id === rep.id && e.details.push_service === double.origin)).toBe(true)
  })
})
