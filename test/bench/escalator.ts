import pg from 'pg'
import { schedule } from '../../supabase/local/schedule.ts'
import { startScheduler } from '../../supabase/local/scheduler/index.ts'
import type { Stack } from '../../supabase/local/stack.ts'
import { MAX_PUSHES_PER_MEMBER } from '../../supabase/functions/sla-escalator/push-delivery.ts'
import type { RunSummary } from '../../supabase/functions/sla-escalator/run.ts'
import { realtimeCaughtUp } from './realtime-caught-up.ts'
import type { BenchRow } from './table.ts'

// The SLA escalator at scale: 10,000 leads of one team falling due at the same instant.
//  1. With an injected clock: one run breaches and reassigns all of them, and a later run moves
//     them all to the fallback queue; each run timed through HTTP.
//  2. On the real clock and the local schedule (the stack's own scheduler, every 10 s): the
//     worst case, leads falling due just after a run started, measured from the due time to
//     the moment all of them are seen breached and reassigned.

const leadCount = 10_000
const repCount = 20
const windowMinutes = 5
const escalatorEvery = schedule.find(call => call.function === 'sla-escalator')!.everySeconds * 1000

interface BenchOrg {
  orgId: string
  teamId: string
  policyId: string
}

async function createOrg(db: pg.Client): Promise<BenchOrg> {
  const { rows: [org] } = await db.query(`insert into public.organizations (name) values ('Escalator Bench') returning id`)
  const { rows: [team] } = await db.query(`insert into public.teams (org_id, name) values ($1, 'Escalator bench team') returning id`, [org.id])
  await db.query(`
    with people as (select gen_random_uuid() as id, n from generate_series(0, ${repCount}) as n),
    users as (
      insert into auth.users (id, aud, role, email)
      select id, 'authenticated', 'authenticated', 'escalator-bench-' || n || '@bench.pronto.test' from people
    )
    insert into public.members (id, org_id, team_id, role, full_name, email, availability, capacity)
    select id, $1, $2, case when n = 0 then 'manager' else 'rep' end::public.member_role, 'Escalator bench ' || n,
           'escalator-bench-' || n || '@bench.pronto.test', 'on_shift', 5000
    from people`, [org.id, team.id])
  await db.query(`
    update public.teams set manager_id = m.id, fallback_owner_id = m.id
    from public.members m where m.team_id = $1 and m.role = 'manager' and teams.id = $1`, [team.id])
  const { rows: [policy] } = await db.query(
    `insert into public.sla_policies (org_id, name, tier, target_minutes) values ($1, 'Bench: 5 minutes, 24/7', 'HOT', ${windowMinutes}) returning id`,
    [org.id])
  return { orgId: org.id, teamId: team.id, policyId: policy.id }
}

/** `leadCount` HOT leads of the team, spread over its reps, their clocks running until `dueAt`. */
async function insertDueLeads(db: pg.Client, org: BenchOrg, batch: string, dueAt: Date): Promise<void> {
  await db.query(`
    insert into public.leads (org_id, team_id, assigned_to, assigned_at, full_name, email, tier, score, status,
                              sla_policy_id, sla_started_at, sla_due_at, sla_state, created_at)
    select $1, $2, reps.ids[1 + n % cardinality(reps.ids)], $4::timestamptz - interval '${windowMinutes} minutes',
           'Bench lead ' || n, $3 || '-' || n || '@example.com', 'HOT', 80, 'assigned',
           $5, $4::timestamptz - interval '${windowMinutes} minutes', $4, 'running', $4::timestamptz - interval '${windowMinutes} minutes'
    from generate_series(1, ${leadCount}) as n,
         (select array_agg(id order by id) as ids from public.members where team_id = $2 and role = 'rep') as reps`,
  [org.orgId, org.teamId, batch, dueAt, org.policyId])
  await settle(db)
}

/**
 * Settles the bulk writes as minutes of a live database would: hint bits and the visibility map
 * set, dead rows gone, statistics fresh. Leads falling due together arrived over their SLA window,
 * not in one insert; without this the timed run pays for the load's first reads, and autovacuum
 * may start on the tables in the middle of it.
 */
async function settle(db: pg.Client): Promise<void> {
  await db.query('vacuum analyze public.leads, public.lead_events')
}

async function invoke(stack: Stack, now?: Date): Promise<{ summary: RunSummary, ms: number }> {
  const started = performance.now()
  const response = await fetch(`${stack.apiUrl}/functions/v1/sla-escalator`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${stack.serviceRoleKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(now ? { now: now.toISOString() } : {}),
  })
  const text = await response.text()
  const ms = performance.now() - started
  if (!response.ok)
    throw new Error(`sla-escalator answered ${response.status}: ${text.slice(0, 500)}`)
  return { summary: JSON.parse(text) as RunSummary, ms }
}

const count = (summary: RunSummary, step: string, name: string) => summary.steps[step]?.counts[name] ?? 0

/** Runs on the real clock until nothing is due: other benchmarks' data must not ride along in the measured runs. */
async function drain(stack: Stack): Promise<void> {
  for (let run = 0; run < 30; run++) {
    const { summary } = await invoke(stack)
    const acted = count(summary, 'escalate', 'escalated') + count(summary, 'breach', 'breached')
      + count(summary, 'reroute', 'rerouted') + count(summary, 'reroute', 'fallback_queued')
    if (acted === 0)
      return
    console.error(`escalator: drained ${acted} leads other benchmarks left due`)
  }
}

async function breachedCount(db: pg.Client, batch: string): Promise<number> {
  const { rows } = await db.query(`select count(*)::int as n from public.leads where email like $1 and sla_state = 'breached'`, [`${batch}-%`])
  return rows[0].n
}

export async function escalatorBench(stack: Stack): Promise<BenchRow[]> {
  const db = new pg.Client({ connectionString: stack.dbUrl })
  await db.connect()
  try {
    const org = await createOrg(db)
    // Boots the function (Deno) outside the measurements.
    await invoke(stack, new Date('2024-01-01T00:00:00Z'))

    // 1. Injected clock.
    const dueAt = new Date('2025-06-02T12:00:00Z')
    await insertDueLeads(db, org, 'injected', dueAt)
    await realtimeCaughtUp(db, org.orgId)
    const breach = await invoke(stack, new Date(dueAt.getTime() + 1000))
    if (count(breach.summary, 'breach', 'breached') !== leadCount)
      throw new Error(`expected one run to breach ${leadCount} leads: ${JSON.stringify(breach.summary)}`)
    const escalateAt = new Date(dueAt.getTime() + windowMinutes * 60_000 + 2000)
    // The escalation comes a window after the breach: time enough for autovacuum to clear its dead rows.
    await settle(db)
    await realtimeCaughtUp(db, org.orgId)
    const escalation = await invoke(stack, escalateAt)
    if (count(escalation.summary, 'escalate', 'escalated') !== leadCount)
      throw new Error(`expected one run to escalate ${leadCount} leads: ${JSON.stringify(escalation.summary)}`)
    console.error(`escalator: breach run ${JSON.stringify(breach.summary)}`)
    console.error(`escalator: escalation run ${JSON.stringify(escalation.summary)}`)

    // 2. Real clock, local schedule, worst phase: due just after a scheduled run began.
    await drain(stack)
    await insertDueLeads(db, org, 'scheduled', new Date('2099-01-01T00:00:00Z'))
    const scheduler = startScheduler({ apiUrl: stack.apiUrl, serviceRoleKey: stack.serviceRoleKey, calls: schedule })
    const realDue = new Date(Date.now() + escalatorEvery + 250)
    let lagSeconds = Number.NaN
    try {
      await db.query(`
        update public.leads set sla_due_at = $2, sla_started_at = $2::timestamptz - interval '${windowMinutes} minutes'
        where email like $1 and sla_state = 'running'`, ['scheduled-%', realDue])
      const deadline = realDue.getTime() + 4 * escalatorEvery
      while (Date.now() < deadline) {
        if (await breachedCount(db, 'scheduled') === leadCount) {
          lagSeconds = (Date.now() - realDue.getTime()) / 1000
          break
        }
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }
    finally {
      await scheduler.stop()
    }
    if (Number.isNaN(lagSeconds))
      throw new Error(`the scheduled escalator did not breach all ${leadCount} leads within ${4 * escalatorEvery / 1000} s of their due time`)

    const n = leadCount.toLocaleString('en')
    return [
      { area: 'escalator', metric: `${n} leads due together: one run breaches and reassigns all`, value: Math.round(breach.ms), unit: 'ms', target: '< 2000' },
      { area: 'escalator', metric: '  of which database (select, route, write)', value: breach.summary.steps.breach!.ms, unit: 'ms' },
      { area: 'escalator', metric: `  of which pushes (${(2 * leadCount).toLocaleString('en')} planned, at most ${MAX_PUSHES_PER_MEMBER} per member sent; no devices)`, value: breach.summary.pushes.ms, unit: 'ms' },
      { area: 'escalator', metric: `${n} breached leads: one run escalates all to the fallback queue`, value: Math.round(escalation.ms), unit: 'ms', target: '< 2000' },
      { area: 'escalator', metric: `worst-case due-to-escalation lag, ${escalatorEvery / 1000} s schedule, ${n} leads`, value: lagSeconds, unit: 's', target: '< 15' },
    ]
  }
  finally {
    await db.end()
  }
}
