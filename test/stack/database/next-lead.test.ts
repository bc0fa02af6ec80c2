import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import { asUser, sqlState } from './as-user.ts'
import { createAuthUser, createLead, createOrgFixture, insertRow } from './fixture.ts'
import type { OrgFixture, Row } from './fixture.ts'

let sql: pg.Client

beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

async function nextLead(client: pg.ClientBase, userId: string): Promise<Row | undefined> {
  const { rows } = await asUser(client, userId, s => s.query('select * from public.next_lead()'), { commit: true })
  expect(rows.length).toBeLessThanOrEqual(1)
  return rows[0]
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000)

describe('next_lead priority', () => {
  let org: OrgFixture
  const names = new Map<string, string>()

  beforeAll(async () => {
    org = await createOrgFixture(sql, 'priority')
    const rep = org.reps[0].id
    const sameAge = minutesFromNow(-30)
    const lead = async (name: string, fields: Row) => {
      const row = await createLead(sql, org, { first_name: name, created_at: minutesFromNow(-60), ...fields })
      names.set(row.id as string, name)
    }
    // Ready, in the expected order f e d c g h b a w.
    await lead('a', { assigned_to: rep, status: 'assigned', tier: 'COLD', score: 99 })
    await lead('b', { assigned_to: rep, status: 'assigned', tier: 'WARM', score: 10, created_at: sameAge })
    await lead('c', { assigned_to: null, status: 'new', tier: 'HOT', score: 50 })
    await lead('d', { assigned_to: rep, status: 'assigned', tier: 'HOT', score: 50, sla_state: 'running', sla_due_at: minutesFromNow(10) })
    await lead('e', { assigned_to: rep, status: 'assigned', tier: 'HOT', score: 50, sla_state: 'breached', sla_due_at: minutesFromNow(-5) })
    await lead('f', { assigned_to: rep, status: 'attempting', tier: 'HOT', score: 80, sla_state: 'met', sla_due_at: minutesFromNow(-50) })
    await lead('g', { assigned_to: rep, status: 'assigned', tier: 'WARM', score: 10, created_at: minutesFromNow(-90) })
    await lead('h', { assigned_to: rep, status: 'assigned', tier: 'WARM', score: 10, created_at: sameAge, reengaged_count: 2 })
    await lead('w', { assigned_to: rep, status: 'contacted', tier: 'COLD', score: 0, callback_at: minutesFromNow(-1) })
    // Not for this rep now.
    await lead('later attempt', { assigned_to: rep, status: 'attempting', tier: 'HOT', score: 100, next_attempt_at: minutesFromNow(30) })
    await lead('later callback', { assigned_to: rep, status: 'assigned', tier: 'HOT', score: 100, callback_at: minutesFromNow(30) })
    await lead('contacted, nothing due', { assigned_to: rep, status: 'contacted', tier: 'HOT', score: 100 })
    await lead('converted', { assigned_to: rep, status: 'converted', tier: 'HOT', score: 100 })
    await lead('spam', { assigned_to: null, status: 'new', tier: 'HOT', score: 100, is_spam: true })
    await lead('other rep', { assigned_to: org.reps[1].id, status: 'assigned', tier: 'HOT', score: 100 })
    await lead('pool, disqualified', { assigned_to: null, status: 'disqualified', tier: 'HOT', score: 100 })
    const otherTeam = await insertRow(sql, 'teams', { org_id: org.orgId, name: 'Field sales' })
    await lead('other team pool', { assigned_to: null, team_id: otherTeam.id, status: 'new', tier: 'HOT', score: 100 })
  })

  it('goes by tier, score, SLA time left, age, re-engagement, and skips what is not ready', async () => {
    const order: string[] = []
    for (let lead = await nextLead(sql, org.reps[0].id); lead; lead = await nextLead(sql, org.reps[0].id)) {
      order.push(names.get(lead.id as string)!)
      // The rep works it: it leaves the queue.
      await sql.query(`update public.leads set status = 'disqualified' where id = $1`, [lead.id])
      expect(order.length).toBeLessThan(20)
    }
    expect(order).toEqual(['f', 'e', 'd', 'c', 'g', 'h', 'b', 'a', 'w'])
  })
})

describe('next_lead claims from the pool', () => {
  let org: OrgFixture

  beforeAll(async () => {
    org = await createOrgFixture(sql, 'claim')
  })

  it('takes a fallback-queue lead for the caller and records it', async () => {
    const [rep] = org.reps
    const lead = await createLead(sql, org, {
      assigned_to: org.manager.id, in_fallback_queue: true, status: 'new', tier: 'HOT', score: 70,
      sla_state: 'running', sla_due_at: minutesFromNow(-3),
    })
    const claimed = await nextLead(sql, rep.id)
    expect(claimed).toMatchObject({
      id: lead.id, assigned_to: rep.id, in_fallback_queue: false, status: 'assigned', sla_state: 'running',
    })
    expect((claimed!.sla_due_at as Date).getTime()).toBe((lead.sla_due_at as Date).getTime())
    const { rows } = await sql.query(
      `select actor_id, details from public.lead_events where lead_id = $1 and type = 'assigned'`, [lead.id])
    expect(rows).toEqual([{
      actor_id: rep.id,
      details: { via: 'next_lead', to: rep.id, from: org.manager.id, from_fallback_queue: true },
    }])

    // Now it is the rep's own: asking again returns it without another claim.
    expect((await nextLead(sql, rep.id))?.id).toBe(lead.id)
    const events = await sql.query(`select count(*)::int as n from public.lead_events where lead_id = $1 and type = 'assigned'`, [lead.id])
    expect(events.rows[0].n).toBe(1)
    await sql.query(`update public.leads set status = 'disqualified' where id = $1`, [lead.id])
  })

  it('answers no row when nothing is ready', async () => {
    expect(await nextLead(sql, org.reps[1].id)).toBeUndefined()
  })

  it('skips a pool lead another transaction holds instead of waiting for it', async () => {
    const first = await createLead(sql, org, { status: 'new', tier: 'HOT', score: 90 })
    const second = await createLead(sql, org, { status: 'new', tier: 'HOT', score: 80 })
    const holder = await sqlClient()
    try {
      await holder.query('begin')
      await holder.query('select 1 from public.leads where id = $1 for update', [first.id])
      expect((await nextLead(sql, org.reps[0].id))?.id).toBe(second.id)
      await holder.query('rollback')
      expect((await nextLead(sql, org.reps[1].id))?.id).toBe(first.id)
    }
    finally {
      await holder.end()
    }
  })

  it('refuses callers who are not active members', async () => {
    const stranger = await createAuthUser(sql, 'stranger')
    expect(sqlState(await nextLead(sql, stranger.id).catch((e: unknown) => e))).toBe('42501')
    await sql.query('update public.members set active = false where id = $1', [org.reps[1].id])
    expect(sqlState(await nextLead(sql, org.reps[1].id).catch((e: unknown) => e))).toBe('42501')
    await sql.query('update public.members set active = true where id = $1', [org.reps[1].id])
  })
})

describe('next_lead claims only for a member on shift and under capacity', () => {
  let org: OrgFixture
  let rep: string
  let own: Row
  let pool: Row

  beforeAll(async () => {
    org = await createOrgFixture(sql, 'shift', { reps: 1 })
    rep = org.reps[0].id
    // The pool lead ranks first (HOT), so only the rule keeps it from the rep.
    own = await createLead(sql, org, { assigned_to: rep, status: 'assigned', tier: 'WARM', score: 50 })
    pool = await createLead(sql, org, { status: 'new', tier: 'HOT', score: 90 })
  })

  const setMember = (fields: string) => sql.query(`update public.members set ${fields} where id = $1`, [rep])
  const poolReady = async () => {
    const { rows } = await asUser(sql, rep, s => s.query('select public.queue_summary() as summary'))
    return rows[0].summary.pool_ready as number
  }
  const poolOwner = async () => (await sql.query('select assigned_to from public.leads where id = $1', [pool.id])).rows[0].assigned_to as string | null

  it.each(['break', 'off'])('gives a rep whose availability is %s their own lead and leaves the pool alone', async (availability) => {
    await setMember(`availability = '${availability}', capacity = 10`)
    expect((await nextLead(sql, rep))?.id).toBe(own.id)
    expect(await poolOwner()).toBeNull()
    expect(await poolReady()).toBe(0)
  })

  it('does not claim for a rep at capacity', async () => {
    // One open lead (own), capacity one.
    await setMember(`availability = 'on_shift', capacity = 1`)
    expect((await nextLead(sql, rep))?.id).toBe(own.id)
    expect(await poolOwner()).toBeNull()
    expect(await poolReady()).toBe(0)
    await setMember(`capacity = 0`)
    expect((await nextLead(sql, rep))?.id).toBe(own.id)
    expect(await poolOwner()).toBeNull()
  })

  it('claims once the rep is on shift with room', async () => {
    await setMember(`availability = 'on_shift', capacity = 2`)
    expect(await poolReady()).toBe(1)
    expect((await nextLead(sql, rep))?.id).toBe(pool.id)
    expect(await poolOwner()).toBe(rep)
  })
})

describe('next_lead under concurrency', () => {
  it('keeps a rep within capacity when two of their calls claim at the same time', async () => {
    const org = await createOrgFixture(sql, 'capacity race', { reps: 1 })
    const rep = org.reps[0].id
    await sql.query(`update public.members set availability = 'on_shift', capacity = 1 where id = $1`, [rep])
    await createLead(sql, org, { status: 'new', tier: 'HOT', score: 90 })
    await createLead(sql, org, { status: 'new', tier: 'HOT', score: 80 })
    const [first, second] = await Promise.all([sqlClient(), sqlClient()])
    try {
      const { rows: [{ pid }] } = await second.query<{ pid: number }>('select pg_backend_pid() as pid')
      let secondAnswer: Promise<Row | undefined> | undefined
      // The first call claims and keeps its transaction open while the second one runs.
      const firstClaim = await asUser(first, rep, async (s) => {
        const { rows } = await s.query('select * from public.next_lead()')
        let settled = false
        secondAnswer = nextLead(second, rep).finally(() => settled = true)
        // Until the second call either finished or waits for the first one's turn.
        for (let i = 0; i < 100 && !settled; i++) {
          const { rows: [activity] } = await sql.query(`select wait_event_type, wait_event from pg_stat_activity where pid = $1`, [pid])
          if (activity?.wait_event_type === 'Lock' && activity.wait_event === 'advisory')
            break
          await new Promise(resolve => setTimeout(resolve, 20))
        }
        return rows[0] as Row
      }, { commit: true })
      // Once the first claim is committed the second call sees the rep at capacity: it answers that lead and claims nothing.
      expect((await secondAnswer!)?.id).toBe(firstClaim.id)
      const { rows: owned } = await sql.query('select id from public.leads where assigned_to = $1', [rep])
      expect(owned.map(row => row.id)).toEqual([firstClaim.id])
    }
    finally {
      await Promise.all([first.end(), second.end()])
    }
  })

  it('20 reps on 20 connections claim 200 pool leads, each exactly once', async () => {
    const org = await createOrgFixture(sql, 'race', { reps: 20 })
    const { rows: pool } = await sql.query(
      `insert into public.leads (org_id, team_id, source_id, email, tier, score, status, created_at)
       select $1, $2, $3, 'race' || n || '@example.com', (array['HOT','WARM','COLD'])[1 + n % 3]::public.lead_tier,
              n % 101, 'new', now() - make_interval(secs => n)
       from generate_series(1, 200) as n
       returning id`,
      [org.orgId, org.teamId, org.sourceId],
    )
    const connections = await Promise.all(org.reps.map(() => sqlClient()))
    try {
      // Each rep claims, works the lead (disqualifies it, as the owner may) and asks again.
      const claims = await Promise.all(org.reps.map(async (rep, i) => {
        const mine: string[] = []
        for (;;) {
          const id = await asUser(connections[i], rep.id, async (s) => {
            const { rows } = await s.query('select id from public.next_lead()')
            if (rows[0])
              await s.query(`update public.leads set status = 'disqualified' where id = $1`, [rows[0].id])
            return rows[0]?.id as string | undefined
          }, { commit: true })
          if (!id)
            return mine
          mine.push(id)
        }
      }))

      const all = claims.flat()
      expect(all).toHaveLength(200)
      expect(new Set(all).size).toBe(200)
      expect(new Set(all)).toEqual(new Set(pool.map(row => row.id as string)))
      expect(claims.filter(mine => mine.length > 0).length).toBeGreaterThan(1)

      const { rows: owners } = await sql.query(
        `select l.id, l.assigned_to, count(e.id)::int as claims, min(e.actor_id::text) as claimer
         from public.leads l left join public.lead_events e on e.lead_id = l.id and e.type = 'assigned'
         where l.org_id = $1 group by l.id`, [org.orgId])
      const ownerOf = new Map(claims.flatMap((mine, i) => mine.map(id => [id, org.reps[i].id])))
      for (const row of owners) {
        expect(row.claims).toBe(1)
        expect(row.assigned_to).toBe(ownerOf.get(row.id))
        expect(row.claimer).toBe(ownerOf.get(row.id))
      }
    }
    finally {
      await Promise.all(connections.map(connection => connection.end()))
    }
  }, 120_000)
})
