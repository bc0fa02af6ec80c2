// What stops the ladder (a contact attempt or a disposition before the due time), and two runs at
// once acting on every lead exactly once.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signedInClient } from '../../support/clients.ts'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { MAX_PUSHES_PER_MEMBER } from '../../../supabase/functions/sla-escalator/push-delivery.ts'
import { createOrgFixture } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { assignedLead, at, closeFunctionsSql, eventsOf, ladderTypes, leadRow, runEscalator } from './support.ts'

const sql = fileSqlClient(closeFunctionsSql)

function emailOf(org: OrgFixture, memberId: string): string {
  return org.reps.find(rep => rep.id === memberId)!.email
}

describe('a call at 49% of the window', () => {
  // Monday 2025-01-13 10:00 New York, WARM 60 business minutes: 49% is 10:29:24.
  const assignedAt = at('2025-01-13T15:00:00Z')
  const calledAt = '2025-01-13T15:29:24Z'

  it.each([
    ['a contact attempt (call tapped)', async (client: Awaited<ReturnType<typeof signedInClient>>, leadId: string) => {
      const { data, error } = await client.rpc('record_contact_attempt', { id: randomUUID(), lead_id: leadId, occurred_at: calledAt })
      expect(error).toBeNull()
      expect(data).toMatchObject({ status: 'applied', sla_state: 'met' })
    }],
    ['a disposition (no answer) synced from the phone', async (client: Awaited<ReturnType<typeof signedInClient>>, leadId: string) => {
      const { data, error } = await client.rpc('sync_dispositions', { items: [{ id: randomUUID(), lead_id: leadId, outcome: 'no_answer', occurred_at: calledAt }] })
      expect(error).toBeNull()
      expect(data).toMatchObject([{ status: 'applied' }])
    }],
  ])('stops the ladder: %s', async (_label, call) => {
    const org = await createOrgFixture(sql, 'stop', { reps: 2 })
    const lead = await assignedLead(sql, org, assignedAt, { tier: 'WARM' })
    await call(await signedInClient(emailOf(org, lead.assignedTo!)), lead.id)
    expect((await leadRow(sql, lead.id)).sla_state).toBe('met')

    for (const now of ['2025-01-13T15:31:00Z', '2025-01-13T16:00:30Z', '2025-01-13T17:00:30Z', '2025-01-14T15:00:00Z'])
      await runEscalator(now)
    expect(await eventsOf(sql, lead.id, ladderTypes)).toEqual([])
    expect(await leadRow(sql, lead.id)).toMatchObject({ sla_state: 'met', assigned_to: lead.assignedTo, sla_reminded_at: null, in_fallback_queue: false })
  })

  it('stops a breached lead from escalating once the new owner calls', async () => {
    const org = await createOrgFixture(sql, 'stop-breached', { reps: 2 })
    const lead = await assignedLead(sql, org, at('2025-01-13T15:00:00Z'), { tier: 'WARM' })
    await runEscalator('2025-01-13T16:00:10Z')
    const { assigned_to: second, sla_state } = await leadRow(sql, lead.id)
    expect(sla_state).toBe('breached')
    const client = await signedInClient(emailOf(org, second!))
    const { error } = await client.rpc('record_contact_attempt', { id: randomUUID(), lead_id: lead.id, occurred_at: '2025-01-13T16:20:00Z' })
    expect(error).toBeNull()

    await runEscalator('2025-01-13T16:31:00Z')
    await runEscalator('2025-01-13T17:30:00Z')
    expect((await eventsOf(sql, lead.id, ladderTypes)).map(event => event.type)).toEqual(['breached', 'reassigned'])
    // The SLA was missed and stays on record as such; the lead stays with the rep who called.
    expect(await leadRow(sql, lead.id)).toMatchObject({ sla_state: 'breached', assigned_to: second, in_fallback_queue: false })
  })
})

describe('two runs at once', () => {
  it('breach and reassign each lead exactly once', async () => {
    const org = await createOrgFixture(sql, 'overlap', { reps: 3 })
    await sql.query('update public.members set capacity = 100 where team_id = $1', [org.teamId])
    // Monday 2025-01-20 10:00 New York: 40 WARM leads due at 11:00.
    const leads = []
    for (let i = 0; i < 40; i++)
      leads.push(await assignedLead(sql, org, at('2025-01-20T15:00:00Z'), { tier: 'WARM' }))

    const runs = await Promise.all([runEscalator('2025-01-20T16:00:30Z'), runEscalator('2025-01-20T16:00:30Z')])
    expect(runs.every(run => run.ok)).toBe(true)
    expect(runs[0]!.steps.breach!.counts.breached + runs[1]!.steps.breach!.counts.breached).toBe(40)

    const { rows } = await sql.query<{ lead_id: string, type: string, n: number }>(
      `select lead_id, type::text, count(*)::int as n from public.lead_events
       where lead_id = any($1) and type in ('breached', 'reassigned', 'reminded', 'escalated') group by 1, 2`,
      [leads.map(lead => lead.id)])
    expect(rows.filter(row => row.type === 'breached').map(row => row.n)).toEqual(Array(40).fill(1))
    expect(rows.filter(row => row.type === 'reassigned').map(row => row.n)).toEqual(Array(40).fill(1))
    expect(rows.filter(row => row.type === 'reminded' || row.type === 'escalated')).toEqual([])
    // One alert per lead at most, and no rep sent more than their share of a run.
    const { rows: pushes } = await sql.query<{ lead_id: string, member_id: string, n: number }>(
      `select lead_id, details->>'member_id' as member_id, count(*)::int as n from public.lead_events
       where lead_id = any($1) and type = 'push_failed' and details->>'kind' = 'reassigned' group by 1, 2`,
      [leads.map(lead => lead.id)])
    expect(pushes.every(push => push.n === 1)).toBe(true)
    const perRep = new Map<string, number>()
    for (const push of pushes)
      perRep.set(push.member_id, (perRep.get(push.member_id) ?? 0) + 1)
    // Each of the two runs has its own share.
    expect([...perRep.values()].every(count => count <= 2 * MAX_PUSHES_PER_MEMBER)).toBe(true)
    // 80 alerts planned (the new owner's and the manager's per lead): each recorded once or held back.
    const tally = (key: 'no_subscription' | 'held_back' | 'sent' | 'failed' | 'pending') => runs[0]!.pushes[key] + runs[1]!.pushes[key]
    expect(tally('no_subscription') + tally('held_back') + tally('sent') + tally('failed') + tally('pending')).toBe(80)
    const { rows: [recorded] } = await sql.query<{ n: number }>(
      `select count(*)::int as n from public.lead_events where lead_id = any($1) and type = 'push_failed'`, [leads.map(lead => lead.id)])
    expect(recorded!.n).toBe(tally('no_subscription'))
    for (const lead of leads) {
      const row = await leadRow(sql, lead.id)
      expect(row.sla_state).toBe('breached')
      expect(row.assigned_to).not.toBe(lead.assignedTo)
    }
  })
})
