// Lead ingest through HTTP on the local stack: latency from the request to the committed
// assignment (the function answers after its transaction commits) at concurrency 1, 10 and 50,
// and sustained leads per second. Posts go to organizations of the bench's own, spread over ten
// of them as a hosted Pronto serving many customers would see (each a team of 5 reps taking up to
// 1000 open leads, so no lead of the run lands in the fallback queue); one more row puts every
// lead into a single team, whose round robin serializes them. Leads come from the demo simulator.
import type { Stack } from '../../supabase/local/stack.ts'
import { simulatedLead } from '../../supabase/local/lead-simulator.ts'
import { createOrgFixture } from '../stack/database/fixture.ts'
import { percentile } from './stats.ts'
import type { BenchRow } from './table.ts'

interface Target {
  url: string
  /** Source keys of the organizations posted to, in turn. */
  keys: string[]
  turn: number
}

async function benchOrgs(stack: Stack, count: number): Promise<Target> {
  const client = await stack.pool.connect()
  try {
    const keys: string[] = []
    for (let i = 0; i < count; i++) {
      const org = await createOrgFixture(client, `bench${i}`, { reps: 5 })
      await client.query('update public.members set capacity = 1000 where org_id = $1', [org.orgId])
      await client.query(
        'update public.lead_sources set rate_limit_per_minute = 100000, ip_rate_limit_per_minute = 100000, ack_template = $2 where id = $1',
        [org.sourceId, 'Hi {{first_name}}, thanks for reaching out. We will call you shortly.'],
      )
      keys.push(org.sourceKey)
    }
    return { url: `${stack.apiUrl}/functions/v1/ingest-lead`, keys, turn: 0 }
  }
  finally {
    client.release()
  }
}

/** One post; its duration in ms. Throws on anything but a stored lead. */
async function post(target: Target): Promise<number> {
  const key = target.keys[target.turn++ % target.keys.length]!
  const started = performance.now()
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-source-key': key },
    body: JSON.stringify(simulatedLead()),
  })
  await response.arrayBuffer()
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`ingest answered ${response.status}`)
  return performance.now() - started
}

/** `total` posts by `concurrency` workers; each post's duration. */
async function closedLoop(target: Target, concurrency: number, total: number): Promise<number[]> {
  const durations: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next += 1
      durations.push(await post(target))
    }
  }))
  return durations
}

/** Leads per second with `concurrency` workers posting back to back for `seconds`. */
async function sustained(target: Target, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000
  let done = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      await post(target)
      done += 1
    }
  }))
  return done / ((performance.now() - started) / 1000)
}

export async function ingestBench(stack: Stack): Promise<BenchRow[]> {
  const target = await benchOrgs(stack, 10)
  const oneTeam = await benchOrgs(stack, 1)
  // Boots the function and warms its JIT, pool and caches.
  await closedLoop(target, 10, 300)
  const rows: BenchRow[] = []
  for (const [concurrency, total] of [[1, 300], [10, 1000], [50, 1000]] as const) {
    const durations = await closedLoop(target, concurrency, total)
    rows.push(
      { area: 'ingest', metric: `request to committed assignment p50, concurrency ${concurrency}`, value: percentile(durations, 50), unit: 'ms' },
      { area: 'ingest', metric: `request to committed assignment p99, concurrency ${concurrency}`, value: percentile(durations, 99), unit: 'ms', ...(concurrency === 10 ? { target: '< 150' } : {}) },
    )
  }
  rows.push({ area: 'ingest', metric: 'sustained leads per second (50 clients, 15 s)', value: await sustained(target, 50, 15), unit: 'leads/s', target: '>= 200' })
  rows.push({ area: 'ingest', metric: 'sustained leads per second, all into one team (50 clients, 10 s)', value: await sustained(oneTeam, 50, 10), unit: 'leads/s' })
  return rows
}
