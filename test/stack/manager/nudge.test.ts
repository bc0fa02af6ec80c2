// The manager-nudge function: the 'nudged' event written as the manager, then a push to the
// owner's devices (through the push-service double) with its outcome in the lead's events.
import type { SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { invokeFunction, leadEvents, sqlClient } from '../../support/clients.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { PushServiceDouble } from '../../support/push-service-double.ts'
import { createLead, createOrgFixture } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { clientFor } from './support.ts'

let sql: pg.Client
let org: OrgFixture
let double: PushServiceDouble
let manager: SupabaseClient

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'nudge', { reps: 2 })
  double = await startPushServiceDouble({ ca: inject('pushDoubleCa') })
  manager = await clientFor(org.manager.email)
})

afterAll(async () => {
  await sql?.end()
  await double?.close()
})

const nudge = (client: SupabaseClient, body: Record<string, unknown>) => invokeFunction(client, 'manager-nudge', body)

const events = (leadId: unknown) => leadEvents(sql, leadId)

describe('manager-nudge', () => {
  it('records the nudge and buzzes the owner\'s phone with the lead', async () => {
    const [rep] = org.reps
    const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
    await sql.query(`insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth) values ($1, $2, $3, $4, $5)`,
      [rep.id, org.orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth])
    const lead = await createLead(sql, org, { full_name: 'Nia Nudge', company: 'Nudge Ltd', phone: '+14155550199', tier: 'HOT', assigned_to: rep.id, status: 'assigned' })

    const answer = await nudge(manager, { lead_id: lead.id, message: 'Call her back now' })
    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ lead_id: lead.id, owner_id: rep.id, push: 'sent' }) })
    // The function answers once the push service has accepted it.
    const [push] = double.receivedBy(device)
    expect(push.status).toBe(201)
    expect(push.payload).toMatchObject({ kind: 'nudge', leadId: lead.id, name: 'Nia Nudge', company: 'Nudge Ltd', tier: 'HOT', phone: '+14155550199' })
    await expect.poll(async () => (await events(lead.id)).map(event => event.type)).toEqual(['nudged', 'push_sent'])
    expect((await events(lead.id))[0]).toEqual({
      type: 'nudged', actor_id: org.manager.id, details: { to: rep.id, message: 'Call her back now', push: 'requested' },
    })
  })

  it('records a nudge to an owner without a device as a push that could not be sent', async () => {
    const lead = await createLead(sql, org, { assigned_to: org.reps[1].id, status: 'assigned' })
    const answer = await nudge(manager, { lead_id: lead.id })
    expect(answer.body.push).toBe('no_subscription')
    expect((await events(lead.id)).map(event => [event.type, event.details.kind ?? null])).toEqual([['nudged', null], ['push_failed', 'nudge']])
  })

  it('answers the database\'s refusals with their statuses and writes nothing', async () => {
    const lead = await createLead(sql, org, { assigned_to: org.reps[0].id, status: 'assigned' })
    const rep = await clientFor(org.reps[0].email)
    expect(await nudge(rep, { lead_id: lead.id })).toMatchObject({ status: 403, body: { error: { code: '42501' } } })
    const pool = await createLead(sql, org, {})
    expect(await nudge(manager, { lead_id: pool.id })).toMatchObject({ status: 400, body: { error: { message: 'lead_id: the lead has no owner to nudge' } } })
    expect(await nudge(manager, { lead_id: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ status: 404 })
    expect(await nudge(manager, { lead_id: 'not-a-uuid' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_body' } } })
    expect(await events(lead.id)).toEqual([])
    expect(await events(pool.id)).toEqual([])
  })
})
