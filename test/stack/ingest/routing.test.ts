// Routing through the real function: each rule kind, round-robin fairness, capacity and the
// fallback queue, and atomic assignment under 50 concurrent ingests.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { createLead, insertRow } from '../database/fixture.ts'
import type { OrgFixture } from '../database/fixture.ts'
import type { IngestAnswer } from './support.ts'
import { addRule, createIngestOrg, eventsOf, postLead, uniqueEmail } from './support.ts'

let sql: pg.Client

beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

async function ingest(org: OrgFixture, body: Record<string, unknown>): Promise<IngestAnswer> {
  const response = await postLead({ email: uniqueEmail('route'), ...body }, { key: org.sourceKey })
  expect(response.status).toBe(201)
  return await response.json() as IngestAnswer
}

async function setRep(org: OrgFixture, index: number, fields: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(fields)
  await sql.query(
    `update public.members set ${columns.map((column, i) => `${column} = $${i + 2}`).join(', ')} where id = $1`,
    [org.reps[index]!.id, ...columns.map(column => fields[column])],
  )
}

async function assignmentEvent(leadId: string): Promise<Record<string, unknown>> {
  const events = await eventsOf(sql, leadId)
  const routed = events.filter(event => ['assigned', 'fallback_queued'].includes(event.type))
  expect(routed).toHaveLength(1)
  return routed[0]!.details
}

function counts(values: Array<string | null>): Map<string | null, number> {
  const map = new Map<string | null, number>()
  for (const value of values) map.set(value, (map.get(value) ?? 0) + 1)
  return map
}

describe('routing rules', () => {
  let org: OrgFixture
  beforeAll(async () => {
    org = await createIngestOrg(sql, 'rules', { reps: 3 })
    await setRep(org, 0, { territories: ['US-CA'], skills: ['analytics'], languages: ['en'] })
    await setRep(org, 1, { territories: ['US-TX', 'MX'], skills: ['billing'], languages: ['en', 'es'] })
    await setRep(org, 2, { territories: ['GB', 'IE'], skills: ['integrations'], languages: ['en', 'de'] })
    await insertRow(sql, 'accounts', { org_id: org.orgId, domain: 'initrode.example', name: 'Initrode', owner_id: org.reps[2]!.id })
    await addRule(sql, org, 10, 'account_owner')
    await addRule(sql, org, 20, 'territory')
    await addRule(sql, org, 30, 'skill', { product_interest: ['analytics', 'billing', 'integrations'] })
    await addRule(sql, org, 40, 'round_robin')
  })

  it('gives a known account to its owner, subdomains included', async () => {
    const answer = await ingest(org, { email: 'cto@eu.initrode.example', country: 'US', state: 'CA' })
    expect(answer.assigned_to).toBe(org.reps[2]!.id)
    expect(await assignmentEvent(answer.lead_id)).toMatchObject({
      to: org.reps[2]!.id,
      rule: { name: 'account_owner 10', strategy: 'account_owner' },
      reason: expect.stringContaining('initrode.example'),
    })
  })

  it('routes by territory: the region first, else the country', async () => {
    const texas = await ingest(org, { country: 'United States', state: 'Texas' })
    expect(texas.assigned_to).toBe(org.reps[1]!.id)
    expect(await assignmentEvent(texas.lead_id)).toMatchObject({ rule: { strategy: 'territory' }, reason: expect.stringContaining('US-TX') })
    const london = await ingest(org, { country: 'GB' })
    expect(london.assigned_to).toBe(org.reps[2]!.id)
  })

  it('routes by skill when no territory matches', async () => {
    const answer = await ingest(org, { country: 'BR', product_interest: 'Analytics dashboards' })
    expect(answer.assigned_to).toBe(org.reps[0]!.id)
    expect(await assignmentEvent(answer.lead_id)).toMatchObject({ rule: { strategy: 'skill' }, reason: expect.stringMatching(/analytics/i) })
  })

  it('falls through to round robin, naming every rule it skipped', async () => {
    const answer = await ingest(org, { country: 'JP' })
    expect(org.reps.map(rep => rep.id)).toContain(answer.assigned_to)
    expect(await assignmentEvent(answer.lead_id)).toMatchObject({ rule: { strategy: 'round_robin' } })
  })

  it('never picks a rep who is off shift', async () => {
    await setRep(org, 1, { availability: 'off' })
    try {
      const answer = await ingest(org, { country: 'US', state: 'TX' })
      expect(answer.assigned_to).not.toBe(org.reps[1]!.id)
    }
    finally {
      await setRep(org, 1, { availability: 'on_shift' })
    }
  })
})

describe('round robin and capacity', () => {
  it('keeps reps within one lead of each other', async () => {
    const org = await createIngestOrg(sql, 'fair', { reps: 4 })
    const answers = await Promise.all(Array.from({ length: 22 }, () => ingest(org, {})))
    const perRep = counts(answers.map(answer => answer.assigned_to))
    expect([...perRep.keys()].sort()).toEqual(org.reps.map(rep => rep.id).sort())
    expect(Math.max(...perRep.values()) - Math.min(...perRep.values())).toBeLessThanOrEqual(1)
  })

  it('sends the lead to the fallback queue with the team\'s fallback owner when every rep is full', async () => {
    const org = await createIngestOrg(sql, 'full', { reps: 2 })
    await setRep(org, 0, { capacity: 1 })
    await setRep(org, 1, { capacity: 1 })
    const first = await ingest(org, {})
    const second = await ingest(org, {})
    expect(new Set([first.assigned_to, second.assigned_to])).toEqual(new Set(org.reps.map(rep => rep.id)))
    const third = await ingest(org, {})
    expect(third).toMatchObject({ status: 'new', assigned_to: org.manager.id, sla_due_at: expect.any(String) })
    const { rows: [lead] } = await sql.query('select in_fallback_queue, assigned_to, sla_state from public.leads where id = $1', [third.lead_id])
    expect(lead).toEqual({ in_fallback_queue: true, assigned_to: org.manager.id, sla_state: 'running' })
    expect(await assignmentEvent(third.lead_id)).toMatchObject({ fallback_owner: org.manager.id, reason: expect.stringMatching(/2 at capacity.*fallback queue/) })
  })
})

describe('weighted round robin', () => {
  it('gives a rep of routing_weight 2 twice the leads of the others', async () => {
    const org = await createIngestOrg(sql, 'weighted', { reps: 3 })
    await setRep(org, 1, { routing_weight: 2 })
    // Three whole cycles of 2 + 1 + 1 turns; concurrent posts queue on the team's lock.
    const answers = await Promise.all(Array.from({ length: 12 }, () => ingest(org, {})))
    const perRep = counts(answers.map(answer => answer.assigned_to))
    expect(org.reps.map(rep => perRep.get(rep.id) ?? 0)).toEqual([3, 6, 3])
  })

  it('lets free capacity cap a heavy rep\'s turns', async () => {
    const org = await createIngestOrg(sql, 'capped', { reps: 2 })
    await setRep(org, 0, { routing_weight: 5, capacity: 2 })
    await setRep(org, 1, { routing_weight: 1, capacity: 100 })
    const owners: Array<string | null> = []
    for (let i = 0; i < 6; i++)
      owners.push((await ingest(org, {})).assigned_to)
    const heavy = org.reps[0]!.id
    // Weight 5 alone would give it 5 of every 6; its two free places allow two, one per turn.
    expect(owners.filter(owner => owner === heavy)).toHaveLength(2)
    expect(owners.some((owner, i) => owner === heavy && owners[i + 1] === heavy)).toBe(false)
    expect(owners.filter(owner => owner === org.reps[1]!.id)).toHaveLength(4)
  })
})

describe('least loaded', () => {
  it('gives each lead to the rep with the lowest share of capacity in use', async () => {
    const org = await createIngestOrg(sql, 'least', { reps: 3 })
    await addRule(sql, org, 10, 'least_loaded')
    for (let i = 0; i < 3; i++)
      await setRep(org, i, { capacity: 4 })
    // Rep 1 starts with two open leads: it is skipped until the others catch up.
    for (let i = 0; i < 2; i++)
      await createLead(sql, org, { assigned_to: org.reps[0]!.id, status: 'assigned' })
    const owners: Array<string | null> = []
    for (let i = 0; i < 4; i++)
      owners.push((await ingest(org, {})).assigned_to)
    const perRep = counts(owners)
    expect(org.reps.map(rep => perRep.get(rep.id) ?? 0)).toEqual([0, 2, 2])
    expect(await assignmentEvent((await ingest(org, {})).lead_id)).toMatchObject({
      rule: { strategy: 'least_loaded' },
      reason: expect.stringMatching(/Least loaded of 3 eligible reps \(2\/4 open leads\)/),
    })
  })
})

describe('atomic assignment', () => {
  it('50 concurrent ingests into 5 reps of capacity 3: nobody over capacity, the rest in the fallback queue', { timeout: 60_000 }, async () => {
    const org = await createIngestOrg(sql, 'atomic', { reps: 5 })
    for (let i = 0; i < 5; i++)
      await setRep(org, i, { capacity: 3 })
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      postLead({ name: `Concurrent ${i}`, email: uniqueEmail(`atomic${i}`) }, { key: org.sourceKey })))
    expect(responses.map(response => response.status)).toEqual(Array(50).fill(201))

    const { rows } = await sql.query<{ assigned_to: string, in_fallback_queue: boolean, events: number }>(
      `select l.assigned_to, l.in_fallback_queue,
              (select count(*)::int from public.lead_events e where e.lead_id = l.id and e.type in ('assigned', 'fallback_queued')) as events
       from public.leads l where l.source_id = $1`,
      [org.sourceId],
    )
    expect(rows).toHaveLength(50)
    expect(rows.every(row => row.events === 1)).toBe(true)
    const toReps = counts(rows.filter(row => !row.in_fallback_queue).map(row => row.assigned_to))
    expect([...toReps.keys()].sort()).toEqual(org.reps.map(rep => rep.id).sort())
    expect([...toReps.values()]).toEqual([3, 3, 3, 3, 3])
    const queued = rows.filter(row => row.in_fallback_queue)
    expect(queued).toHaveLength(35)
    expect(queued.every(row => row.assigned_to === org.manager.id)).toBe(true)
  })
})
