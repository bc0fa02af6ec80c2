import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInClient, sqlClient } from '../../support/clients.ts'

// The demo data a newcomer meets on `npm start`, and that other tests and docs name.

const demoOrg = '10000000-0000-4000-8000-000000000001'
const demoTeam = '20000000-0000-4000-8000-000000000001'
const manager = '30000000-0000-4000-8000-000000000002'
const rep1 = '30000000-0000-4000-8000-000000000011'

let sql: pg.Client

beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

describe('seed.sql', () => {
  it.each([
    ['admin@demo.pronto.test', 'admin'],
    ['manager@demo.pronto.test', 'manager'],
    ['rep1@demo.pronto.test', 'rep'],
    ['rep2@demo.pronto.test', 'rep'],
    ['rep3@demo.pronto.test', 'rep'],
    ['rep4@demo.pronto.test', 'rep'],
    ['other-manager@other.pronto.test', 'manager'],
    ['other-rep@other.pronto.test', 'rep'],
  ])('%s signs in with the demo password and is a %s', async (email, role) => {
    const client = await signedInClient(email)
    const { data: { user } } = await client.auth.getUser()
    const { data, error } = await client.from('members').select('role, email').eq('id', user!.id).single()
    expect(error).toBeNull()
    expect(data).toEqual({ role, email })
  })

  it('has Demo Co with its team, fallback owner and configuration', async () => {
    const { rows: [team] } = await sql.query('select t.name, t.manager_id, t.fallback_owner_id, o.name as org from public.teams t join public.organizations o on o.id = t.org_id where t.id = $1', [demoTeam])
    expect(team).toEqual({ name: 'Inside Sales', manager_id: manager, fallback_owner_id: manager, org: 'Demo Co' })
    const { rows: policies } = await sql.query(
      `select p.tier, p.target_minutes, c.time_zone from public.sla_policies p left join public.business_calendars c on c.id = p.calendar_id
       where p.org_id = $1 order by p.tier`, [demoOrg])
    expect(policies).toEqual([
      { tier: 'HOT', target_minutes: 1, time_zone: null },
      { tier: 'WARM', target_minutes: 60, time_zone: 'America/New_York' },
      { tier: 'COLD', target_minutes: 1440, time_zone: 'America/New_York' },
    ])
    const { rows: rules } = await sql.query('select strategy from public.routing_rules where team_id = $1 order by position', [demoTeam])
    expect(rules.map(rule => rule.strategy)).toEqual(['account_owner', 'territory', 'skill', 'round_robin'])
    const { rows: reps } = await sql.query(`select availability, capacity from public.members where org_id = $1 and role = 'rep'`, [demoOrg])
    expect(reps).toHaveLength(4)
    expect(reps.every(rep => rep.availability === 'on_shift' && rep.capacity === 10)).toBe(true)
  })

  it('stores only the sha256 of the demo web-form key, with the local app origins allowed', async () => {
    const { rows } = await sql.query(
      `select channel, key_hash = encode(sha256(convert_to('pronto-demo-web-form-key', 'UTF8')), 'hex') as matches, allowed_origins
       from public.lead_sources where name = 'Website demo form'`)
    expect(rows).toEqual([{
      channel: 'web_form',
      matches: true,
      allowed_origins: expect.arrayContaining(['http://127.0.0.1:4173', 'http://localhost:4173', 'http://127.0.0.1:5173']),
    }])
  })

  it('gives rep1 at least three leads ready now, and the queue a pool', async () => {
    const client = await signedInClient('rep1@demo.pronto.test')
    const { data: summary, error } = await client.rpc('queue_summary')
    expect(error).toBeNull()
    // queue_summary answers jsonb, so the client cannot know its shape.
    const counts = summary as unknown as { own_ready: number, pool_ready: number }
    expect(counts.own_ready).toBeGreaterThanOrEqual(3)
    expect(counts.pool_ready).toBeGreaterThanOrEqual(1)
    const { rows } = await sql.query(`select count(*)::int as n from public.leads where assigned_to = $1`, [rep1])
    expect(rows[0].n).toBeGreaterThanOrEqual(3)
  })

  it('has leads in many states, each with its trail', async () => {
    const { rows: statuses } = await sql.query('select distinct status::text from public.leads where org_id = $1', [demoOrg])
    expect(statuses.map(row => row.status).sort()).toEqual(
      ['assigned', 'attempting', 'contacted', 'converted', 'disqualified', 'new', 'nurture', 'qualified'])
    const { rows: bare } = await sql.query(
      `select count(*)::int as n from public.leads l
       where l.org_id in ($1, '10000000-0000-4000-8000-000000000002')
         and not exists (select 1 from public.lead_events e where e.lead_id = l.id and e.type = 'created')`, [demoOrg])
    expect(bare[0].n).toBe(0)
  })
})
