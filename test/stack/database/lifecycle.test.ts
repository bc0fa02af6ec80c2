import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { asUser, sqlState } from './as-user.ts'
import { createLead, createOrgFixture } from './fixture.ts'
import type { OrgFixture } from './fixture.ts'

const statuses = ['new', 'assigned', 'attempting', 'contacted', 'qualified', 'converted', 'disqualified', 'nurture'] as const
type Status = typeof statuses[number]

// The lifecycle, written out here independently of the table that drives the trigger.
const allowed: Record<Status, Status[]> = {
  new: ['assigned', 'attempting', 'contacted', 'qualified', 'disqualified', 'nurture'],
  assigned: ['new', 'attempting', 'contacted', 'qualified', 'disqualified', 'nurture'],
  attempting: ['new', 'assigned', 'contacted', 'qualified', 'disqualified', 'nurture'],
  contacted: ['qualified', 'converted', 'disqualified', 'nurture'],
  qualified: ['converted', 'disqualified', 'nurture'],
  converted: [],
  disqualified: ['new', 'assigned', 'qualified', 'nurture'],
  nurture: ['new', 'assigned', 'attempting', 'contacted', 'qualified', 'disqualified'],
}

let sql: pg.Client
let org: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'lifecycle')
})
afterAll(async () => {
  await sql.end()
})

describe('lead status lifecycle', () => {
  const pairs = statuses.flatMap(from => statuses.filter(to => to !== from)
    .map(to => [from, to, allowed[from].includes(to) ? 'allowed' : 'refused'] as const))

  it.each(pairs)('%s -> %s is %s', async (from, to, verdict) => {
    const lead = await createLead(sql, org, { status: from, assigned_to: org.reps[0].id })
    const change = sql.query('update public.leads set status = $1 where id = $2', [to, lead.id])
    if (verdict === 'allowed') {
      await change
      const { rows } = await sql.query(
        `select details from public.lead_events where lead_id = $1 and type = 'status_changed'`, [lead.id])
      expect(rows.map(row => row.details)).toEqual([{ from, to }])
    }
    else {
      const error = await change.catch((e: unknown) => e)
      expect(sqlState(error)).toBe('PT409')
      expect((error as Error).message).toBe(`illegal lead status transition: ${from} -> ${to}`)
      const { rows } = await sql.query('select status from public.leads where id = $1', [lead.id])
      expect(rows[0].status).toBe(from)
    }
  })

  it('the table the trigger reads matches the lifecycle', async () => {
    const { rows } = await asUser(sql, org.reps[0].id, s => s.query('select from_status, to_status from public.lead_status_transitions'))
    const fromTable = Object.fromEntries(statuses.map(status => [status, [] as string[]]))
    for (const row of rows)
      fromTable[row.from_status].push(row.to_status)
    for (const status of statuses)
      expect(fromTable[status].sort()).toEqual([...allowed[status]].sort())
  })

  it('keeping the same status is always allowed and writes no event', async () => {
    const lead = await createLead(sql, org, { status: 'converted' })
    await sql.query(`update public.leads set status = 'converted', title = 'CEO' where id = $1`, [lead.id])
    const { rows } = await sql.query(`select count(*)::int as n from public.lead_events where lead_id = $1`, [lead.id])
    expect(rows[0].n).toBe(0)
  })

  it('tells the rep what is allowed next and records who changed it', async () => {
    const rep = org.reps[0]
    const lead = await createLead(sql, org, { status: 'qualified', assigned_to: rep.id })
    const error = await asUser(sql, rep.id, s => s.query(`update public.leads set status = 'new' where id = $1`, [lead.id]))
      .catch((e: unknown) => e) as { code: string, detail: string }
    expect(error.code).toBe('PT409')
    expect(error.detail).toBe(`lead ${lead.id} is qualified; allowed next: converted, disqualified, nurture`)

    await asUser(sql, rep.id, s => s.query(`update public.leads set status = 'converted' where id = $1`, [lead.id]), { commit: true })
    const { rows } = await sql.query(
      `select actor_id, details from public.lead_events where lead_id = $1 and type = 'status_changed'`, [lead.id])
    expect(rows).toEqual([{ actor_id: rep.id, details: { from: 'qualified', to: 'converted' } }])
  })
})
