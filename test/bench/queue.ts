import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Stack } from '../../supabase/local/stack.ts'
import { percentile, timeEach } from './stats.ts'
import type { BenchRow } from './table.ts'

// The queue RPCs at scale: 1,000,000 leads and 1,000 reps (20 teams of 50) in one organization.
// Every call runs as a rep (role authenticated with the rep's claims) and is rolled back, so
// the data stays the same from call to call.

const teams = 20
const repsPerTeam = 50
const leadCount = 1_000_000

async function generate(db: pg.Client): Promise<{ orgId: string, reps: string[] }> {
  const { rows: [org] } = await db.query(`insert into public.organizations (name) values ('Bench Co') returning id`)
  // Bulk load without per-row foreign key triggers: the generator keeps the references right.
  await db.query('set session_replication_role = replica')
  await db.query(`
    insert into public.teams (id, org_id, name)
    select gen_random_uuid(), $1, 'Team ' || t from generate_series(1, ${teams}) as t`, [org.id])
  await db.query(`
    with people as (
      select gen_random_uuid() as id, n, (select array_agg(id order by name) from public.teams where org_id = $1) as team_ids
      from generate_series(0, ${teams * repsPerTeam - 1}) as n
    ), users as (
      insert into auth.users (id, aud, role, email) select id, 'authenticated', 'authenticated', 'bench-rep' || n || '@bench.pronto.test' from people
    )
    insert into public.members (id, org_id, team_id, role, full_name, email, availability, capacity)
    select id, $1, team_ids[1 + n / ${repsPerTeam}], 'rep', 'Bench rep ' || n, 'bench-rep' || n || '@bench.pronto.test', 'on_shift', 1000
    from people`, [org.id])
  const { rows: reps } = await db.query(`select id, team_id from public.members where org_id = $1 order by email`, [org.id])
  // Policies per tier on a New York office calendar, so follow-ups are counted in business minutes.
  await db.query(`
    with calendar as (
      insert into public.business_calendars (org_id, name, time_zone, weekly_hours)
      values ($1, 'New York', 'America/New_York', (select jsonb_object_agg(d::text, '[{"start":"09:00","end":"17:00"}]'::jsonb) from generate_series(1, 5) as d))
      returning id
    )
    insert into public.sla_policies (org_id, name, tier, target_minutes, calendar_id)
    select $1, tier::text, tier, minutes, case when tier = 'HOT' then null else calendar.id end
    from calendar, (values ('HOT'::public.lead_tier, 1), ('WARM', 60), ('COLD', 1440)) as p (tier, minutes)`, [org.id])
  // Indexes are built once after the load rather than row by row during it.
  const { rows: indexes } = await db.query(`
    select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition from pg_index
    where indrelid = 'public.leads'::regclass and not exists (select 1 from pg_constraint where conindid = indexrelid)`)
  for (const index of indexes)
    await db.query(`drop index ${index.name}`)
  // One lead in ten waits in its team's pool; the rest belong to a rep of the team. About 40% are
  // open, some wait for a follow-up, SLA clocks run on the newest.
  await db.query(`
    with roster as (
      select array_agg(id order by team_id, id) as rep_ids, array_agg(team_id order by team_id, id) as team_ids
      from public.members where org_id = $1
    )
    insert into public.leads (org_id, team_id, assigned_to, assigned_at, email, phone, full_name, tier, score, status,
                              sla_state, sla_due_at, next_attempt_at, created_at, attempt_count, dedupe_email, sla_policy_id)
    select $1, roster.team_ids[1 + rep], case when n % 10 = 0 then null else roster.rep_ids[1 + rep] end, now(),
           'lead' || n || '@example.com', '+1415' || lpad((n % 10000000)::text, 7, '0'), 'Lead ' || n,
           policy.tier, (n::bigint * 7919 % 101)::int,
           (array['new','assigned','attempting','contacted','qualified','converted','disqualified','nurture','disqualified','converted'])[1 + (n / 7) % 10]::public.lead_status,
           case when n % 5 = 0 then 'running' else 'met' end::public.sla_state,
           now() + make_interval(mins => (n % 600) - 300),
           case when n % 4 = 0 then now() + make_interval(mins => n % 3000) end,
           now() - make_interval(mins => n % 43200), n % 4, 'lead' || n || '@example.com', policy.id
    from generate_series(1, ${leadCount}) as n, roster,
         lateral (select (n / 10) % ${teams * repsPerTeam} as rep) as pick,
         lateral (select id, tier from public.sla_policies
                  where org_id = $1 and tier = (array['HOT','WARM','COLD'])[1 + n % 3]::public.lead_tier) as policy`, [org.id])
  for (const index of indexes)
    await db.query(index.definition)
  await db.query('set session_replication_role = origin')
  // Settle the bulk load as the other benches do: with the visibility map set, counting a rep's
  // open leads (next_lead's capacity check) reads the index alone, as it does once autovacuum ran.
  await db.query('vacuum analyze public.leads')
  await db.query('analyze')
  return { orgId: org.id, reps: reps.map(rep => rep.id as string) }
}

/** Runs `query` as the rep inside a transaction that is rolled back; times only the query. */
async function timedAsRep(db: pg.Client, repId: string, query: string, params: unknown[] = []): Promise<{ ms: number, rows: pg.QueryResultRow[] }> {
  await db.query('begin')
  try {
    await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: repId, role: 'authenticated' })])
    const started = performance.now()
    const { rows } = await db.query(query, params)
    return { ms: performance.now() - started, rows }
  }
  finally {
    await db.query('rollback')
  }
}

/**
 * The real plans of one next_lead() call: auto_explain logs every statement the function runs
 * (log_nested_statements) at NOTICE level, so they come back on this connection only, with the
 * row counts of that call. Nothing is copied from the function, so the plans cannot drift from it.
 */
async function nextLeadPlans(db: pg.Client, repId: string): Promise<string[]> {
  const plans: string[] = []
  const collect = (notice: { message?: string }) => {
    if (notice.message?.includes('Query Text:'))
      plans.push(notice.message)
  }
  await db.query(`load 'auto_explain'`)
  await db.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;
    set auto_explain.log_analyze = on; set auto_explain.log_timing = off; set auto_explain.log_buffers = on;
    set auto_explain.log_level = 'notice'`)
  db.on('notice', collect)
  try {
    await timedAsRep(db, repId, 'select id from public.next_lead()')
  }
  finally {
    db.off('notice', collect)
    await db.query('set auto_explain.log_min_duration = -1')
  }
  return plans
}

export async function queueBench(stack: Stack): Promise<BenchRow[]> {
  const db = new pg.Client({ connectionString: stack.dbUrl })
  await db.connect()
  try {
    const loadStarted = performance.now()
    const { reps } = await generate(db)
    const loadSeconds = (performance.now() - loadStarted) / 1000
    const repAt = (i: number) => reps[(i * 7919) % reps.length]

    for (let i = 0; i < 200; i++)
      await timedAsRep(db, repAt(i), 'select id from public.next_lead()')
    const nextLead: number[] = []
    await timeEach(2000, async i => nextLead.push((await timedAsRep(db, repAt(i), 'select id from public.next_lead()')).ms))

    const rep = reps[0]
    const { rows: own } = await db.query(`select id from public.leads where assigned_to = $1 and status in ('new', 'assigned', 'attempting')`, [rep])
    // A phone that was offline all week: 500 outcomes over the rep's open leads.
    const batch = (outcomes: string[]) => JSON.stringify(Array.from({ length: 500 }, (_, i) => ({
      id: randomUUID(), lead_id: own[i % own.length].id, outcome: outcomes[i % outcomes.length], occurred_at: new Date().toISOString(), channel: 'phone',
    })))
    const sync: number[] = []
    for (let i = 0; i < 5; i++) {
      const { ms, rows } = await timedAsRep(db, rep, 'select public.sync_dispositions($1::jsonb) as results', [batch(['no_answer', 'connected', 'voicemail', 'meeting_booked', 'not_interested'])])
      // A fast sync that rejected its items measured nothing: every item must have been applied.
      const results = rows[0].results as Array<{ status: string, error: string | null }>
      const notApplied = results.filter(result => result.status !== 'applied')
      if (results.length !== 500 || notApplied.length > 0)
        throw new Error(`sync_dispositions applied ${results.length - notApplied.length} of 500 items; first problem: ${JSON.stringify(notApplied[0] ?? 'missing results')}`)
      sync.push(ms)
    }

    const plans = await nextLeadPlans(db, repAt(1))
    console.error(`next_lead(): the plans of one call, as it ran (auto_explain, nested statements)\n\n${plans.join('\n\n')}\n`)
    const uses = (index: string) => (plans.some(plan => plan.includes(index)) ? 1 : 0)
    return [
      { area: 'queue', metric: `generate ${leadCount.toLocaleString('en')} leads, ${reps.length} reps`, value: loadSeconds, unit: 's' },
      { area: 'queue', metric: 'next_lead p50 (as a rep, in SQL)', value: percentile(nextLead, 50), unit: 'ms' },
      { area: 'queue', metric: 'next_lead p99 (as a rep, in SQL)', value: percentile(nextLead, 99), unit: 'ms', target: '< 5' },
      { area: 'queue', metric: 'sync_dispositions of 500 items (median of 5)', value: percentile(sync, 50), unit: 'ms', target: '< 1000' },
      { area: 'queue', metric: 'next_lead uses leads_owner_queue_idx (own leads, capacity)', value: uses('leads_owner_queue_idx'), unit: 'yes', target: '>= 1' },
      { area: 'queue', metric: 'next_lead uses leads_pool_queue_idx (pool)', value: uses('leads_pool_queue_idx'), unit: 'yes', target: '>= 1' },
    ]
  }
  finally {
    await db.end()
  }
}
