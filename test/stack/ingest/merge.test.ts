// A post from someone the organization already has a lead for: merged, counted as re-engaged,
// raised in priority, and back to its owner while the owner is active, else routed again.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import type { OrgFixture } from '../database/fixture.ts'
import type { IngestAnswer } from './support.ts'
import { createIngestOrg, eventsOf, postLead, uniqueEmail } from './support.ts'

let sql: pg.Client
let org: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  org = await createIngestOrg(sql, 'merge', { reps: 3 })
})
afterAll(async () => {
  await sql.end()
})

async function post(body: Record<string, unknown>): Promise<{ status: number, answer: IngestAnswer }> {
  const response = await postLead(body, { key: org.sourceKey })
  return { status: response.status, answer: await response.json() as IngestAnswer }
}

async function lead(id: string): Promise<Record<string, unknown>> {
  const { rows } = await sql.query('select * from public.leads where id = $1', [id])
  return rows[0]
}

describe('a duplicate post', () => {
  it('is answered 200 merged, fills empty fields only, raises priority and stays with its owner', async () => {
    const email = uniqueEmail('again')
    const first = await post({ name: 'Nia Returning', email, company: 'First Co' })
    expect(first.status).toBe(201)
    const before = await lead(first.answer.lead_id)

    const second = await post({ name: 'Other Name', email: email.toUpperCase(), company: 'Second Co', phone: '+1 212 555 0143', title: 'Director of Sales' })
    expect(second.status).toBe(200)
    expect(second.answer).toMatchObject({ lead_id: first.answer.lead_id, status: 'merged', assigned_to: first.answer.assigned_to })

    const after = await lead(first.answer.lead_id)
    expect(after).toMatchObject({
      full_name: 'Nia Returning',
      company: 'First Co',
      phone: '+12125550143',
      title: 'Director of Sales',
      dedupe_phone: '+12125550143',
      reengaged_count: 1,
      assigned_to: first.answer.assigned_to,
    })
    expect(after.score as number).toBeGreaterThan(before.score as number)
    expect(after.reengaged_at).toBeInstanceOf(Date)
    const { rowCount } = await sql.query('select 1 from public.leads where dedupe_email = $1', [email])
    expect(rowCount).toBe(1)

    const events = await eventsOf(sql, first.answer.lead_id)
    const merged = events.find(event => event.type === 'merged')!
    expect(merged.details).toMatchObject({ filled: expect.arrayContaining(['phone', 'title']), raw_payload: { company: 'Second Co' } })
    expect(events.find(event => event.type === 're_engaged')!.details).toMatchObject({
      count: 1,
      owner: expect.stringMatching(/^kept/),
      score: { from: before.score, to: after.score },
    })
  })

  it('matches on the phone number too, whatever its formatting', async () => {
    const first = await post({ name: 'Phone Only', phone: '+44 20 7946 0958' })
    const second = await post({ name: 'Phone Only', phone: '020 7946 0958', country: 'GB', email: uniqueEmail('phone') })
    expect(second).toMatchObject({ status: 200, answer: { lead_id: first.answer.lead_id, status: 'merged' } })
  })

  it('is routed again when its owner is no longer active', async () => {
    const email = uniqueEmail('orphan')
    const first = await post({ name: 'Orphaned Lead', email })
    const owner = first.answer.assigned_to!
    await sql.query('update public.members set active = false where id = $1', [owner])
    try {
      const second = await post({ email, message: 'Still interested!' })
      expect(second.status).toBe(200)
      expect(second.answer.status).toBe('merged')
      expect(second.answer.assigned_to).not.toBe(owner)
      expect(org.reps.map(rep => rep.id)).toContain(second.answer.assigned_to)
      const events = await eventsOf(sql, first.answer.lead_id)
      expect(events.find(event => event.type === 'reassigned')!.details).toMatchObject({ from: owner, to: second.answer.assigned_to, trigger: 're_engaged' })
      expect(events.find(event => event.type === 're_engaged')!.details).toMatchObject({ owner: expect.stringMatching(/^routed again/) })
    }
    finally {
      await sql.query('update public.members set active = true where id = $1', [owner])
    }
  })

  it('reopens a lead that went to nurture, back with its owner and a fresh SLA clock', async () => {
    const email = uniqueEmail('nurtured')
    const first = await post({ email })
    await sql.query(`update public.leads set status = 'nurture', sla_state = 'met' where id = $1`, [first.answer.lead_id])
    const second = await post({ email })
    expect(second.answer).toMatchObject({ status: 'merged', assigned_to: first.answer.assigned_to, sla_due_at: expect.any(String) })
    expect(await lead(first.answer.lead_id)).toMatchObject({ status: 'assigned', sla_state: 'running', sla_due_at: new Date(second.answer.sla_due_at!) })
  })

  it('never merges into spam', async () => {
    const email = uniqueEmail('after-spam')
    await post({ email, _gotcha: 'filled by a bot' })
    expect((await post({ email })).status).toBe(201)
  })
})
