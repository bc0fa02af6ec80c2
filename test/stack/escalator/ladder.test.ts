// The whole ladder with an injected clock: remind at 50% of the window, breach and reassign at
// 100% (to another rep, with a fresh clock, the manager alerted), escalate to the fallback queue
// at 2x; each step once, pushes delivered to real (double) devices after the commit.
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { startPushServiceDouble } from '../../support/push-service-double.ts'
import type { FakeDevice, PushServiceDouble } from '../../support/push-service-double.ts'
import { createLead, createOrgFixture } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { assignedLead, at, closeFunctionsSql, eventsOf, ladderTypes, leadRow, runEscalator } from './support.ts'

let org: OrgFixture
let double: PushServiceDouble
const devices = new Map<string, FakeDevice>()
const sql = fileSqlClient(closeFunctionsSql, () => double.close())

beforeAll(async () => {
  org = await createOrgFixture(sql, 'ladder', { reps: 2 })
  double = await startPushServiceDouble({ ca: inject('pushDoubleCa') })
  for (const member of [org.manager, ...org.reps]) {
    const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
    devices.set(member.id, device)
    await sql.query(
      `insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth) values ($1, $2, $3, $4, $5)`,
      [member.id, org.orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth])
  }
})

/** Kinds of the pushes a member's device has accepted so far. */
function kindsReceivedBy(memberId: string): unknown[] {
  return double.receivedBy(devices.get(memberId)!).filter(push => push.status === 201).map(push => (push.payload as { kind: string }).kind)
}

describe('a WARM lead nobody calls (60 business minutes, New York hours, Monday 10:00)', () => {
  it('is reminded, breached and reassigned, then escalated to the fallback queue, each step once', async () => {
    // Monday 2025-01-06 10:00 in New York: reminder 10:30, due 11:00, escalation 12:00.
    const lead = await assignedLead(sql, org, at('2025-01-06T15:00:00Z'), { tier: 'WARM', full_name: 'Dana Whitfield', phone: '+12125550142' })
    const first = lead.assignedTo!
    expect(org.reps.map(rep => rep.id)).toContain(first)
    expect(lead.slaDueAt).toEqual(at('2025-01-06T16:00:00Z'))

    await runEscalator('2025-01-06T15:29:00Z')
    expect(await eventsOf(sql, lead.id, ladderTypes)).toEqual([])

    const remindRun = await runEscalator('2025-01-06T15:30:30Z')
    expect(remindRun.steps.remind!.counts.reminded).toBeGreaterThanOrEqual(1)
    await runEscalator('2025-01-06T15:45:00Z')
    const reminders = await eventsOf(sql, lead.id, ['reminded'])
    expect(reminders).toHaveLength(1)
    expect(reminders[0]!.details).toMatchObject({ kind: 'sla', to: first, remind_at: '2025-01-06T15:30:00.000Z' })
    expect(kindsReceivedBy(first)).toEqual(['sla_reminder'])

    await runEscalator('2025-01-06T16:00:05Z')
    const breached = await leadRow(sql, lead.id)
    const second = breached.assigned_to!
    expect(second).not.toBe(first)
    expect(org.reps.map(rep => rep.id)).toContain(second)
    expect(breached).toMatchObject({
      sla_state: 'breached',
      sla_breached_at: at('2025-01-06T16:00:00Z'),
      // A fresh 60 business minutes for the new owner, from the run's clock.
      sla_started_at: at('2025-01-06T16:00:05Z'),
      sla_due_at: at('2025-01-06T17:00:05Z'),
      sla_reminded_at: null,
      in_fallback_queue: false,
    })
    const afterBreach = await eventsOf(sql, lead.id, ladderTypes)
    expect(afterBreach.map(event => event.type)).toEqual(['reminded', 'breached', 'reassigned'])
    expect(afterBreach[1]!.details).toMatchObject({ owner: first, sla_due_at: '2025-01-06T16:00:00.000Z', escalate_at: '2025-01-06T17:00:00.000Z' })
    expect(afterBreach[2]!.details).toMatchObject({ from: first, to: second, trigger: 'sla_breached', excluded: [first], sla_due_at: '2025-01-06T17:00:05.000Z' })
    expect(kindsReceivedBy(second)).toEqual(['reassigned'])
    expect(kindsReceivedBy(org.manager.id)).toEqual(['escalation'])
    const reassignedPush = double.receivedBy(devices.get(second)!)[0]!
    expect(reassignedPush.payload).toMatchObject({ kind: 'reassigned', leadId: lead.id, name: 'Dana Whitfield', tier: 'WARM', source: 'Web form', phone: '+12125550142' })
    const outcomes = await eventsOf(sql, lead.id, ['push_sent'])
    expect(outcomes.map(event => [event.details.kind, event.details.member_id])).toEqual([
      ['sla_reminder', first], ['reassigned', second], ['escalation', org.manager.id],
    ])

    // The new owner's clock: reminded at its own half-way point.
    await runEscalator('2025-01-06T16:29:00Z')
    expect(await eventsOf(sql, lead.id, ['reminded'])).toHaveLength(1)
    await runEscalator('2025-01-06T16:31:00Z')
    const reminded = await eventsOf(sql, lead.id, ['reminded'])
    expect(reminded.map(event => event.details.to)).toEqual([first, second])

    // 2x the window after the original clock started: fallback queue, manager alerted again.
    await runEscalator('2025-01-06T16:59:50Z')
    expect(await eventsOf(sql, lead.id, ['escalated'])).toEqual([])
    await runEscalator('2025-01-06T17:00:01Z')
    expect(await leadRow(sql, lead.id)).toMatchObject({
      sla_state: 'escalated',
      in_fallback_queue: true,
      assigned_to: org.manager.id,
      sla_escalated_at: at('2025-01-06T17:00:01Z'),
    })
    await runEscalator('2025-01-06T18:00:00Z')
    await runEscalator('2025-01-07T18:00:00Z')
    const all = await eventsOf(sql, lead.id, ladderTypes)
    expect(all.map(event => event.type)).toEqual(['reminded', 'breached', 'reassigned', 'reminded', 'escalated'])
    expect(all[4]!.details).toMatchObject({ from: second, to: org.manager.id, escalate_at: '2025-01-06T17:00:00.000Z' })
    expect(kindsReceivedBy(org.manager.id)).toEqual(['escalation', 'escalation'])
  })
})

describe('a HOT lead escalated to a fallback owner who is not the manager', () => {
  it('buzzes both, the fallback owner as the lead\'s new owner, each alert held for one more SLA window only', async () => {
    // Real time, not an injected clock: a push's TTL counts from when it is sent.
    const team = await createOrgFixture(sql, 'ladder-fallback', { reps: 2 })
    const [owner, fallback] = team.reps
    await sql.query('update public.teams set fallback_owner_id = $1 where id = $2', [fallback.id, team.teamId])
    const phones = new Map<string, FakeDevice>()
    for (const member of [team.manager, owner, fallback]) {
      const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
      phones.set(member.id, device)
      await sql.query(
        `insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth) values ($1, $2, $3, $4, $5)`,
        [member.id, team.orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth])
    }
    // HOT: a 1-minute window around the clock, escalated a window after the breach.
    const now = new Date()
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000)
    const lead = await createLead(sql, team, {
      tier: 'HOT', full_name: 'Fay Fallback', phone: '+12125550177', status: 'assigned', assigned_to: owner.id,
      sla_policy_id: team.policies.HOT, sla_state: 'breached', created_at: minutesAgo(3), sla_started_at: minutesAgo(3),
      sla_due_at: minutesAgo(2), sla_breached_at: minutesAgo(2),
    })

    await runEscalator(now)
    expect(await leadRow(sql, lead.id as string)).toMatchObject({ sla_state: 'escalated', in_fallback_queue: true, assigned_to: fallback.id })
    const accepted = (memberId: string) => double.receivedBy(phones.get(memberId)!).filter(push => push.status === 201)
    const [managerAlert] = accepted(team.manager.id)
    const [fallbackAlert] = accepted(fallback.id)
    expect(managerAlert?.payload).toMatchObject({ kind: 'escalation', leadId: lead.id, name: 'Fay Fallback' })
    expect(fallbackAlert?.payload).toMatchObject({ kind: 'reassigned', leadId: lead.id, name: 'Fay Fallback', phone: '+12125550177' })
    expect(accepted(owner.id)).toEqual([])
    // One more 1-minute window from the run, not the 24-hour cap.
    for (const alert of [managerAlert!, fallbackAlert!]) {
      expect(alert.ttl).toBeGreaterThan(30)
      expect(alert.ttl).toBeLessThanOrEqual(60)
    }
    const outcomes = await eventsOf(sql, lead.id as string, ['push_sent'])
    expect(outcomes.map(event => [event.details.kind, event.details.member_id]).sort()).toEqual([
      ['escalation', team.manager.id], ['reassigned', fallback.id],
    ].sort())
  })
})
