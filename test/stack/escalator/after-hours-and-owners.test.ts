// Business minutes: a lead that arrives after hours is not breached overnight or over a weekend.
// Owners who are not there: a deactivated or off-shift rep's unworked leads move, a rep on a
// break keeps them.
import { describe, expect, it } from 'vitest'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { createOrgFixture } from '../database/fixture.ts'
import { assignedLead, at, closeFunctionsSql, eventsOf, ladderTypes, leadRow, runEscalator } from './support.ts'

const sql = fileSqlClient(closeFunctionsSql)

describe('a lead arriving Friday evening, after New York hours', () => {
  it('is not breached overnight or over the weekend: its clock runs from Monday 09:00', async () => {
    const org = await createOrgFixture(sql, 'after-hours', { reps: 2 })
    // Friday 2025-01-24 17:30 New York. WARM: 60 business minutes on the New York calendar.
    const warm = await assignedLead(sql, org, at('2025-01-24T22:30:00Z'), { tier: 'WARM' })
    // HOT: 1 minute, around the clock - the contrast that shows the runs below do act.
    const hot = await assignedLead(sql, org, at('2025-01-24T22:30:00Z'), { tier: 'HOT' })
    // Computed at assignment: Monday 09:00 + 60 business minutes.
    expect(warm.slaDueAt).toEqual(at('2025-01-27T15:00:00Z'))
    expect((await leadRow(sql, warm.id)).sla_started_at).toEqual(at('2025-01-27T14:00:00Z'))

    for (const now of ['2025-01-24T23:31:00Z', '2025-01-25T04:00:00Z', '2025-01-25T17:00:00Z', '2025-01-26T23:59:00Z', '2025-01-27T14:29:00Z'])
      await runEscalator(now)
    expect(await eventsOf(sql, warm.id, ladderTypes)).toEqual([])
    expect((await leadRow(sql, warm.id)).sla_state).toBe('running')
    expect((await eventsOf(sql, hot.id, ['breached'])).map(event => event.occurred_at)).toEqual([at('2025-01-24T23:31:00Z')])

    // Monday: reminded at 09:30, breached at 10:00.
    await runEscalator('2025-01-27T14:30:10Z')
    expect((await eventsOf(sql, warm.id, ladderTypes)).map(event => event.type)).toEqual(['reminded'])
    await runEscalator('2025-01-27T14:59:59Z')
    expect((await eventsOf(sql, warm.id, ladderTypes)).map(event => event.type)).toEqual(['reminded'])
    await runEscalator('2025-01-27T15:00:01Z')
    expect((await eventsOf(sql, warm.id, ladderTypes)).map(event => event.type)).toEqual(['reminded', 'breached', 'reassigned'])
  })
})

describe('owners who are not there', () => {
  it('moves the unworked leads of a deactivated rep, an off-shift rep and a rep moved to another team, keeping their clocks; a rep on a break keeps theirs', async () => {
    const org = await createOrgFixture(sql, 'owners', { reps: 5 })
    const [gone, off, moved, resting, present] = org.reps
    // Only `present` can take leads once the others are away; assign one lead to each of the first three.
    const leadOf = new Map<string, Awaited<ReturnType<typeof assignedLead>>>()
    for (const owner of [gone!, off!, moved!, resting!]) {
      await sql.query(`update public.members set availability = case when id = $1 then 'on_shift' else 'off' end::public.member_availability where team_id = $2 and role = 'rep'`, [owner.id, org.teamId])
      leadOf.set(owner.id, await assignedLead(sql, org, at('2025-02-03T15:00:00Z'), { tier: 'COLD' }))
      expect(leadOf.get(owner.id)!.assignedTo).toBe(owner.id)
    }
    await sql.query(`update public.members set availability = 'on_shift' where team_id = $1 and role = 'rep'`, [org.teamId])
    await sql.query('update public.members set active = false where id = $1', [gone!.id])
    await sql.query(`update public.members set availability = 'off' where id = $1`, [off!.id])
    await sql.query(`update public.members set availability = 'break' where id = $1`, [resting!.id])
    const { rows: [otherTeam] } = await sql.query<{ id: string }>(`insert into public.teams (org_id, name) values ($1, 'Field sales') returning id`, [org.orgId])
    await sql.query('update public.members set team_id = $1 where id = $2', [otherTeam!.id, moved!.id])

    const run = await runEscalator('2025-02-03T15:05:00Z')
    expect(run.steps.reroute!.counts.rerouted).toBeGreaterThanOrEqual(3)

    for (const [owner, trigger] of [[gone!, 'owner_inactive'], [off!, 'owner_off_shift'], [moved!, 'owner_left_team']] as const) {
      const lead = leadOf.get(owner.id)!
      const row = await leadRow(sql, lead.id)
      expect(row.assigned_to).toBe(present!.id)
      expect(row.sla_due_at).toEqual(lead.slaDueAt)
      expect(row.sla_state).toBe('running')
      const events = await eventsOf(sql, lead.id, ladderTypes)
      expect(events.map(event => event.type)).toEqual(['reassigned'])
      expect(events[0]!.details).toMatchObject({ from: owner.id, to: present!.id, trigger })
      expect((await eventsOf(sql, lead.id, ['push_failed']))[0]!.details).toMatchObject({ kind: 'reassigned', member_id: present!.id, outcome: 'no_subscription' })
    }
    const kept = leadOf.get(resting!.id)!
    expect((await leadRow(sql, kept.id)).assigned_to).toBe(resting!.id)
    expect(await eventsOf(sql, kept.id, ladderTypes)).toEqual([])

    await runEscalator('2025-02-03T15:06:00Z')
    expect(await eventsOf(sql, leadOf.get(gone!.id)!.id, ladderTypes)).toHaveLength(1)
  })

  it('sends a rep\'s leads to the fallback queue when nobody else is eligible', async () => {
    const org = await createOrgFixture(sql, 'owners-fallback', { reps: 2 })
    const lead = await assignedLead(sql, org, at('2025-02-04T15:00:00Z'), { tier: 'COLD' })
    await sql.query(`update public.members set availability = 'off' where team_id = $1 and role = 'rep'`, [org.teamId])
    await runEscalator('2025-02-04T15:01:00Z')
    expect(await leadRow(sql, lead.id)).toMatchObject({ in_fallback_queue: true, assigned_to: org.manager.id })
    const events = await eventsOf(sql, lead.id, ladderTypes)
    expect(events.map(event => event.type)).toEqual(['fallback_queued'])
    expect(events[0]!.details).toMatchObject({ from: lead.assignedTo, trigger: 'owner_off_shift' })
  })
})
