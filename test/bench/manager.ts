import pg from 'pg'
import type { Stack } from '../../supabase/local/stack.ts'
import { realtimeCaughtUp } from './realtime-caught-up.ts'
import { percentile, timeEach } from './stats.ts'
import type { BenchRow } from './table.ts'

// The manager's board and metrics at scale: one organization with 1,000,000 leads captured over
// the last `historyDays` days, 200 reps in 10 teams. Every call runs as the organization's
// manager (role authenticated with the manager's claims) inside a transaction that is rolled back.
//
// The generator writes the facts the triggers would keep (speed to lead in business and calendar
// seconds, first reach) directly: a calendar walk per lead would make the load take an hour. The triggers
// themselves are tested in test/stack/manager.

const leadCount = 1_000_000
const teams = 10
const repsPerTeam = 20
const historyDays = Number(process.env.PRONTO_BENCH_MANAGER_DAYS ?? 365)

interface BenchOrg {
  orgId: string
  managerId: string
}

async function generate(db: pg.Client): Promise<BenchOrg> {
  const { rows: [org] } = await db.query(`insert into public.organizations (name, time_zone) values ('Manager Bench Co', 'America/New_York') returning id`)
  const orgId = org.id as string
  // Bulk load without per-row triggers and foreign key checks: the generator keeps the references right.
  await db.query('set session_replication_role = replica')
  await db.query(`
    insert into public.teams (org_id, name) select $1, 'Team ' || t from generate_series(1, ${teams}) as t`, [orgId])
  await db.query(`
    with people as (
      select gen_random_uuid() as id, n, (select array_agg(id order by name) from public.teams where org_id = $1) as team_ids
      from generate_series(0, ${teams * repsPerTeam}) as n
    ), users as (
      insert into auth.users (id, aud, role, email) select id, 'authenticated', 'authenticated', 'manager-bench' || n || '@bench.pronto.test' from people
    )
    insert into public.members (id, org_id, team_id, role, full_name, email, availability, capacity)
    select id, $1, team_ids[1 + n % ${teams}], case when n = 0 then 'manager' else 'rep' end::public.member_role,
           'Bench member ' || n, 'manager-bench' || n || '@bench.pronto.test',
           (array['on_shift', 'on_shift', 'break', 'off'])[1 + n % 4]::public.member_availability, 50
    from people`, [orgId])
  const { rows: [manager] } = await db.query(`select id from public.members where org_id = $1 and role = 'manager'`, [orgId])
  await db.query(`
    insert into public.business_calendars (org_id, name, time_zone, weekly_hours)
    select $1, 'Office', 'America/New_York', jsonb_object_agg(d::text, '[{"start":"09:00","end":"17:00"}]'::jsonb)
    from generate_series(1, 5) as d`, [orgId])
  await db.query(`
    insert into public.sla_policies (org_id, name, tier, target_minutes, calendar_id)
    select $1, p.tier || ' policy', p.tier::public.lead_tier, p.target, case when p.business then c.id end
    from (values ('HOT', 5, false), ('WARM', 60, true), ('COLD', 1440, true)) as p (tier, target, business)
    cross join (select id from public.business_calendars where org_id = $1) as c`, [orgId])
  await db.query(`
    insert into public.lead_sources (org_id, name, channel, key_hash, key_prefix)
    select $1, s.name, s.channel::public.lead_channel, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'), 'bench-' || s.n
    from (values (1, 'Website', 'web_form'), (2, 'Sales line', 'phone'), (3, 'Inbox', 'email'), (4, 'Paid ads', 'ad')) as s (n, name, channel)`, [orgId])

  // A million rows in one transaction is not news for the realtime service (which would hold
  // them all in memory to pass them on): load them as a restore would, outside the publication.
  await db.query('alter publication supabase_realtime drop table public.leads, public.lead_events')
  try {
    await loadLeads(db, orgId)
  }
  finally {
    await db.query('alter publication supabase_realtime add table public.leads, public.lead_events')
  }
  await db.query('set session_replication_role = origin')
  // Settle the bulk load as a live database would be: visibility maps set (index-only scans),
  // statistics fresh, and the load's WAL checkpointed, so neither autovacuum nor a checkpoint
  // falls into the timed calls.
  await db.query('vacuum analyze public.leads')
  await db.query('vacuum analyze public.lead_events')
  await db.query('checkpoint')
  return { orgId, managerId: manager.id as string }
}

/** The million leads (and the members' recent activity), indexes built once afterwards. */
async function loadLeads(db: pg.Client, orgId: string): Promise<void> {
  const { rows: indexes } = await db.query(`
    select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition from pg_index
    where indrelid = 'public.leads'::regclass and not exists (select 1 from pg_constraint where conindid = indexrelid)`)
  for (const index of indexes)
    await db.query(`drop index ${index.name}`)
  // Leads arrive in time order (as in production, so a period's leads sit together on disk).
  // Old leads are mostly closed; the newest are still being worked, and the last hour's clocks
  // still run. Numbers derived from n keep every run the same.
  await db.query(`
    with roster as (
      select array_agg(m.id order by m.id) filter (where m.role = 'rep') as rep_ids,
             array_agg(m.team_id order by m.id) filter (where m.role = 'rep') as team_ids,
             (select array_agg(id order by name) from public.lead_sources where org_id = $1) as source_ids,
             (select jsonb_object_agg(tier, id) from public.sla_policies where org_id = $1) as policy_ids
      from public.members m where m.org_id = $1
    ), shaped as (
      select n, roster.*,
             now() - make_interval(secs => (${leadCount} - n)::float8 / ${leadCount} * ${historyDays} * 86400) as captured,
             (array['HOT','WARM','WARM','COLD','COLD'])[1 + n % 5] as tier,
             (n::bigint * 7919) % ${teams * repsPerTeam} as rep,
             ((n::bigint * 104729) % 1000) / 1000.0 as r1,
             ((n::bigint * 1299709) % 1000) / 1000.0 as r2
      from generate_series(1, ${leadCount}) as n, roster
    ), timed as (
      select s.*,
             case s.tier when 'HOT' then 5 when 'WARM' then 60 else 1440 end as target,
             case s.tier when 'HOT' then 1 + s.r2 * 9 when 'WARM' then 5 + s.r2 * 115 else 30 + s.r2 * 2000 end as speed,
             now() - s.captured as age
      from shaped s
    )
    insert into public.leads (org_id, team_id, source_id, assigned_to, assigned_at, full_name, email, tier, score, status,
                              sla_policy_id, sla_started_at, sla_due_at, sla_state, sla_breached_at, sla_escalated_at,
                              first_contact_at, speed_to_lead_business_seconds, speed_to_lead_calendar_seconds, contacted_at,
                              attempt_count, is_spam,
                              in_fallback_queue, created_at, updated_at)
    select $1, t.team_ids[1 + t.rep], t.source_ids[1 + t.n % 4],
           case when t.r1 < 0.02 and t.age < interval '2 days' then null else t.rep_ids[1 + t.rep] end, t.captured,
           'Lead ' || t.n, 'lead' || t.n || '@example.com', t.tier::public.lead_tier, (t.n * 31 % 101)::int,
           case
             when t.age < interval '1 hour' then 'assigned'
             when t.age < interval '2 days' then (array['attempting', 'contacted', 'qualified', 'disqualified'])[1 + t.n % 4]
             when t.r1 < 0.10 then 'converted'
             when t.r1 < 0.55 then 'disqualified'
             when t.r1 < 0.95 then 'nurture'
             else (array['attempting', 'contacted', 'qualified'])[1 + t.n % 3]
           end::public.lead_status,
           (t.policy_ids ->> t.tier)::uuid, t.captured, t.captured + make_interval(mins => t.target),
           case
             when t.age < interval '1 hour' then 'running'
             when t.r2 < 0.15 then 'breached'
             when t.r2 < 0.18 then 'escalated'
             else 'met'
           end::public.sla_state,
           case when t.age >= interval '1 hour' and t.r2 < 0.18 then t.captured + make_interval(mins => t.target) end,
           case when t.age >= interval '1 hour' and t.r2 >= 0.15 and t.r2 < 0.18 then t.captured + make_interval(mins => 2 * t.target) end,
           case when t.age >= interval '1 hour' and t.r1 < 0.95 then t.captured + make_interval(secs => t.speed * 60) end,
           case when t.age >= interval '1 hour' and t.r1 < 0.95 then round(t.speed * 60 * (case t.tier when 'HOT' then 1 else 0.6 end)) end,
           case when t.age >= interval '1 hour' and t.r1 < 0.95 then round(t.speed * 60) end,
           case when t.age >= interval '1 hour' and t.r1 < 0.5 then t.captured + make_interval(secs => t.speed * 60 + 1800) end,
           case when t.age < interval '1 hour' then 0 else 1 + t.n % 4 end,
           t.n % 100 = 0, false, t.captured, t.captured
    from timed t`, [orgId])
  // The members' recent work, for the board's "last activity".
  await db.query(`
    insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at, details)
    select l.id, l.org_id, 'contact_attempted', l.assigned_to, l.first_contact_at, '{"channel":"phone"}'
    from public.leads l
    where l.org_id = $1 and l.assigned_to is not null and l.first_contact_at > now() - interval '7 days'`, [orgId])
  for (const index of indexes)
    await db.query(index.definition)
}

/** Runs `query` as the member inside a transaction that is rolled back; times only the query. */
async function timedAs(db: pg.Client, memberId: string, query: string, params: unknown[] = []): Promise<number> {
  await db.query('begin')
  try {
    await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: memberId, role: 'authenticated' })])
    const started = performance.now()
    await db.query(query, params)
    return performance.now() - started
  }
  finally {
    await db.query('rollback')
  }
}

async function timeCalls(db: pg.Client, memberId: string, count: number, query: (i: number) => [string, unknown[]]): Promise<number[]> {
  for (let i = 0; i < 10; i++)
    await timedAs(db, memberId, ...query(i))
  const samples: number[] = []
  await timeEach(count, async i => samples.push(await timedAs(db, memberId, ...query(i))))
  return samples
}

const dimensions = ['rep', 'source', 'channel', 'tier'] as const

export async function managerBench(stack: Stack): Promise<BenchRow[]> {
  const db = new pg.Client({ connectionString: stack.dbUrl })
  await db.connect()
  try {
    const loadStarted = performance.now()
    const { orgId, managerId } = await generate(db)
    const loadSeconds = (performance.now() - loadStarted) / 1000
    // Realtime decodes the million generated leads in the gateway's process; not while timing.
    await realtimeCaughtUp(db, orgId, 15 * 60_000)
    const { rows: [sizes] } = await db.query(`
      select count(*) filter (where created_at > now() - interval '30 days') as last30,
             count(*) filter (where sla_state = 'running') as running
      from public.leads where org_id = $1`, [orgId])

    const board = await timeCalls(db, managerId, 300, () => ['select public.manager_board()', []])
    const metrics30 = await timeCalls(db, managerId, 200, i => ['select public.manager_metrics($1, $2)', ['30d', dimensions[i % 4]]])
    const metrics7 = await timeCalls(db, managerId, 100, i => ['select public.manager_metrics($1, $2)', ['7d', dimensions[i % 4]]])
    const metricsToday = await timeCalls(db, managerId, 100, i => ['select public.manager_metrics($1, $2)', ['today', dimensions[i % 4]]])

    const area = 'manager'
    return [
      { area, metric: `generate ${leadCount.toLocaleString('en')} leads over ${historyDays} days (${Number(sizes.last30).toLocaleString('en')} in the last 30), ${teams * repsPerTeam} reps`, value: loadSeconds, unit: 's' },
      { area, metric: `manager_board p50 (${sizes.running} running clocks)`, value: percentile(board, 50), unit: 'ms' },
      { area, metric: 'manager_board p99', value: percentile(board, 99), unit: 'ms', target: '< 200' },
      { area, metric: 'manager_metrics 30d p50 (rep/source/channel/tier)', value: percentile(metrics30, 50), unit: 'ms' },
      { area, metric: 'manager_metrics 30d p99 (rep/source/channel/tier)', value: percentile(metrics30, 99), unit: 'ms', target: '< 200' },
      { area, metric: 'manager_metrics 7d p99', value: percentile(metrics7, 99), unit: 'ms' },
      { area, metric: 'manager_metrics today p99', value: percentile(metricsToday, 99), unit: 'ms' },
    ]
  }
  finally {
    await db.end()
  }
}
