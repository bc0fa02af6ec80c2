import type { SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { leadEvents, sqlClient } from '../../support/clients.ts'
import { createLead, createOrgFixture } from '../database/fixture.ts'
import type { OrgFixture, Row } from '../database/fixture.ts'
import { clientFor } from './support.ts'

// manager_board() and the manager's actions on a fixture organization, through supabase-js.

const minute = 60_000

let sql: pg.Client
let org: OrgFixture
let manager: SupabaseClient
let rep: SupabaseClient
const leads: Record<string, Row> = {}

/** A running clock of `windowMinutes` that started `elapsedMinutes` ago. */
function clock(elapsedMinutes: number, windowMinutes: number): Row {
  const started = Date.now() - elapsedMinutes * minute
  return { sla_state: 'running', sla_started_at: new Date(started), sla_due_at: new Date(started + windowMinutes * minute) }
}

async function board() {
  const { data, error } = await manager.rpc('manager_board')
  expect(error).toBeNull()
  return data
}

const events = (leadId: unknown) => leadEvents(sql, leadId)

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'board', { reps: 2 })
  const [rep1, rep2] = org.reps
  const owned = (repId: string) => ({ assigned_to: repId, status: 'assigned' })
  leads.atRisk = await createLead(sql, org, { ...owned(rep1.id), full_name: 'Ada Risk', tier: 'HOT', ...clock(50, 60) })
  leads.overdue = await createLead(sql, org, { ...owned(rep2.id), full_name: 'Otto Overdue', ...clock(70, 60) })
  leads.fine = await createLead(sql, org, { ...owned(rep1.id), full_name: 'Fay Fine', ...clock(10, 60) })
  leads.breached = await createLead(sql, org, { ...owned(rep2.id), full_name: 'Bea Breach', sla_state: 'breached', sla_started_at: new Date(Date.now() - 90 * minute), sla_due_at: new Date(Date.now() - 30 * minute), sla_breached_at: new Date(Date.now() - 30 * minute) })
  leads.triedLate = await createLead(sql, org, { ...owned(rep2.id), full_name: 'Tim Tried', status: 'attempting', sla_state: 'breached', sla_breached_at: new Date(Date.now() - 30 * minute), first_contact_at: new Date(Date.now() - 20 * minute) })
  leads.pool = await createLead(sql, org, { full_name: 'Pia Pool', created_at: new Date(Date.now() - 20 * minute) })
  leads.fallback = await createLead(sql, org, { full_name: 'Fritz Fallback', assigned_to: org.manager.id, in_fallback_queue: true, created_at: new Date(Date.now() - 10 * minute) })
  leads.spam = await createLead(sql, org, { full_name: 'Spam', is_spam: true, ...clock(55, 60) })
  await sql.query(`insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at) values ($1, $2, 'note', $3, now() - interval '5 minutes')`,
    [leads.fine.id, org.orgId, rep1.id])
  await sql.query(`update public.members set availability = 'break' where id = $1`, [rep2.id])
  manager = await clientFor(org.manager.email)
  rep = await clientFor(rep1.email)
})

afterAll(async () => {
  await sql?.end()
})

describe('manager_board', () => {
  it('lists leads in the last quarter of their SLA window, the first due first, overdue ones included', async () => {
    const result = await board()
    expect(result.at_risk.map((lead: Row) => lead.name)).toEqual(['Otto Overdue', 'Ada Risk'])
    expect(result.at_risk_count).toBe(2)
    expect(result.at_risk[1]).toMatchObject({
      lead_id: leads.atRisk.id, tier: 'HOT', source_name: 'Web form', owner_id: org.reps[0].id, owner_name: 'board-rep1',
      sla_due_at: expect.any(String), sla_started_at: expect.any(String), sla_state: 'running',
    })
    // Fay's clock turns at risk when 45 of its 60 minutes are gone.
    const fineRiskAt = (leads.fine.sla_started_at as Date).getTime() + 45 * minute
    expect(Math.abs(Date.parse(result.next_risk_at) - fineRiskAt)).toBeLessThan(1000)
  })

  it('lists breached leads nobody has tried, and the unowned and fallback-queue leads', async () => {
    const result = await board()
    expect(result.breached.map((lead: Row) => lead.name)).toEqual(['Bea Breach'])
    expect(result.breached_count).toBe(1)
    expect(result.unassigned.map((lead: Row) => [lead.name, lead.owner_name, lead.in_fallback_queue]))
      .toEqual([['Pia Pool', null, false], ['Fritz Fallback', 'board-manager', true]])
    expect(result.unassigned_count).toBe(2)
  })

  it('shows each member\'s availability, open leads, leads at risk and last activity', async () => {
    const { team } = await board()
    const row = (id: string) => team.find((member: Row) => member.member_id === id)
    expect(row(org.reps[0].id)).toMatchObject({ full_name: 'board-rep1', role: 'rep', availability: 'on_shift', open_leads: 2, at_risk: 1, last_activity_at: expect.any(String) })
    expect(Date.now() - Date.parse(row(org.reps[0].id).last_activity_at)).toBeGreaterThan(4 * minute)
    expect(row(org.reps[1].id)).toMatchObject({ availability: 'break', open_leads: 3, at_risk: 1, last_activity_at: null })
    expect(row(org.manager.id)).toMatchObject({ role: 'manager', open_leads: 1, at_risk: 0 })
    expect(team.map((member: Row) => member.member_id)).toHaveLength(4)
  })
})

describe('actions from the board', () => {
  it('nudges the owner: a nudged event names who asked, whom and why', async () => {
    const { data, error } = await manager.rpc('nudge_lead_owner', { lead_id: leads.atRisk.id, message: '  Call Ada now, please  ' })
    expect(error).toBeNull()
    expect(data).toMatchObject({ lead_id: leads.atRisk.id, owner_id: org.reps[0].id, event_id: expect.any(Number) })
    expect((await events(leads.atRisk.id)).at(-1)).toEqual({
      type: 'nudged', actor_id: org.manager.id, details: { to: org.reps[0].id, message: 'Call Ada now, please', push: 'requested' },
    })
  })

  it('refuses to nudge nobody, a closed lead or another organization\'s lead', async () => {
    const pool = await manager.rpc('nudge_lead_owner', { lead_id: leads.pool.id })
    expect(pool.error).toMatchObject({ code: '22023', message: 'lead_id: the lead has no owner to nudge' })
    const closed = await createLead(sql, org, { assigned_to: org.reps[0].id, status: 'converted' })
    expect((await manager.rpc('nudge_lead_owner', { lead_id: closed.id })).error).toMatchObject({ code: '22023' })
    const outsider = await clientFor('manager@demo.pronto.test')
    expect((await outsider.rpc('nudge_lead_owner', { lead_id: leads.atRisk.id })).error).toMatchObject({ code: 'PT404' })
  })

  it('takes a breached lead over and reassigns a pool lead, each landing in the lead\'s events', async () => {
    const takeOver = await manager.rpc('reassign_lead', { lead_id: leads.breached.id, to_member_id: org.manager.id, reason: 'taken over from the board' })
    expect(takeOver.error).toBeNull()
    expect(takeOver.data).toMatchObject({ assigned_to: org.manager.id })
    expect((await events(leads.breached.id)).at(-1)).toMatchObject({
      type: 'reassigned', actor_id: org.manager.id, details: { from: org.reps[1].id, to: org.manager.id, reason: 'taken over from the board', via: 'manager' },
    })

    const reassign = await manager.rpc('reassign_lead', { lead_id: leads.pool.id, to_member_id: org.reps[1].id, reason: 'from the board' })
    expect(reassign.error).toBeNull()
    const after = await board()
    expect(after.unassigned.map((lead: Row) => lead.name)).toEqual(['Fritz Fallback'])
    expect(after.breached[0]).toMatchObject({ name: 'Bea Breach', owner_name: 'board-manager' })
  })

  it('refuses every board action to a rep', async () => {
    expect((await rep.rpc('manager_board')).error).toMatchObject({ code: '42501' })
    expect((await rep.rpc('nudge_lead_owner', { lead_id: leads.fine.id })).error).toMatchObject({ code: '42501' })
    expect((await rep.rpc('reassign_lead', { lead_id: leads.fine.id, to_member_id: org.reps[0].id })).error).toMatchObject({ code: '42501' })
    expect((await events(leads.fine.id)).map(event => event.type)).toEqual(['note'])
  })
})
