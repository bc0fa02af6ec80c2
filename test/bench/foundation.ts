import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'
import { startStack } from '../../supabase/local/stack.ts'
import type { Stack } from '../../supabase/local/stack.ts'
import { startBareProxy } from './bare-proxy.ts'
import { plainJsonGet } from './plain-http.ts'
import { measureRealtimeLatency } from './realtime-latency.ts'
import { percentile, timeEach } from './stats.ts'
import type { BenchRow } from './table.ts'

/** Cold start (fresh database, migrations, seed) and warm start of the whole stack. */
async function startupTimes(): Promise<BenchRow[]> {
  const root = await mkdtemp(path.join(tmpdir(), 'pronto-bench-'))
  const options = { dataDir: path.join(root, 'db'), apiPort: 0, dbPort: 0, scheduler: false }
  const cold = await startStack({ ...options, reset: true })
  await cold.stop()
  const warm = await startStack(options)
  await warm.stop()
  await rm(root, { recursive: true, force: true })
  return [
    { area: 'stack', metric: 'cold start to ready', value: Math.round(cold.startupMs), unit: 'ms', target: '< 10000' },
    { area: 'stack', metric: 'warm start to ready', value: Math.round(warm.startupMs), unit: 'ms', target: '< 3000' },
  ]
}

/** A simple filtered select through /rest/v1 against the same query on a direct connection. */
async function restOverhead(stack: Stack): Promise<BenchRow[]> {
  const direct = new pg.Client({ connectionString: stack.dbUrl })
  await direct.connect()
  try {
    return await compareRestWithDirect(stack, direct)
  }
  finally {
    await direct.end()
  }
}

/** Waits until /rest/v1 serves a table created a moment ago (its schema cache reloads on NOTIFY). */
async function untilServed(attempt: () => PromiseLike<unknown>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!await attempt().then(() => true, () => false)) {
    if (Date.now() > deadline)
      throw new Error('/rest/v1 did not pick up the bench table within 10 s')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** The two clients a /rest/v1 call is timed with: postgrest-js as the app calls it, and a plain HTTP GET. */
function restClients(url: string, key: string) {
  const client = createClient(url, key, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
  const plain = plainJsonGet(url, { apikey: key, authorization: `Bearer ${key}` })
  return {
    supabaseJs: (i: number) => client.from('bench_items').select('id, label').eq('bucket', i % 100).order('id').limit(20).throwOnError(),
    // The request postgrest-js sends for the call above.
    plain: (i: number) => plain.get(`/rest/v1/bench_items?select=id%2Clabel&bucket=eq.${i % 100}&order=id.asc&limit=20`),
    close: plain.close,
  }
}

// Warm up to a steady state: Node keeps optimising the request path (client and server) for the
// first couple of thousand requests, while the direct query is flat after a few hundred.
const warmup = 2500
const rounds = 5
const perRound = 400

/**
 * Times every way of making the call in turns, `perRound` calls of each per round, so that
 * whatever else the machine does in the meantime weighs on all of them alike.
 */
async function timeInTurns<Name extends string>(ways: Record<Name, (i: number) => PromiseLike<unknown>>): Promise<Record<Name, number[]>> {
  const names = Object.keys(ways) as Name[]
  const samples = Object.fromEntries(names.map(name => [name, [] as number[]])) as Record<Name, number[]>
  for (const name of names)
    await timeEach(warmup, ways[name])
  for (let round = 0; round < rounds; round++) {
    for (const name of names)
      samples[name].push(...await timeEach(perRound, ways[name]))
  }
  return samples
}

async function compareRestWithDirect(stack: Stack, direct: pg.Client): Promise<BenchRow[]> {
  await direct.query(`
    create table if not exists public.bench_items (id serial primary key, bucket int not null, label text not null);
    truncate public.bench_items;
    insert into public.bench_items (bucket, label) select i % 100, 'item ' || i from generate_series(1, 20000) i;
    create index if not exists bench_items_bucket on public.bench_items (bucket);
    analyze public.bench_items;
    notify pgrst, 'reload schema';`)
  const query = 'select id, label from public.bench_items where bucket = $1 order by id limit 20'
  const viaSql = (i: number) => direct.query(query, [i % 100])
  const viaRest = restClients(stack.apiUrl, stack.serviceRoleKey)
  const proxy = await startBareProxy(stack.dbUrl, query)
  const viaProxy = restClients(proxy.url, stack.serviceRoleKey)
  try {
    await untilServed(() => viaRest.supabaseJs(0))
    const { restPlain, restSupabaseJs, direct: sql, barePlain, bareSupabaseJs } = await timeInTurns({
      restPlain: viaRest.plain,
      restSupabaseJs: viaRest.supabaseJs,
      direct: viaSql,
      barePlain: viaProxy.plain,
      bareSupabaseJs: viaProxy.supabaseJs,
    })
    const p50 = (sample: number[]) => percentile(sample, 50)
    return [
      { area: 'rest', metric: 'filtered select p50 via /rest/v1 (plain HTTP client)', value: p50(restPlain), unit: 'ms' },
      { area: 'rest', metric: 'filtered select p99 via /rest/v1 (plain HTTP client)', value: percentile(restPlain, 99), unit: 'ms' },
      { area: 'rest', metric: 'same query p50 direct', value: p50(sql), unit: 'ms' },
      { area: 'rest', metric: 'same query p99 direct', value: percentile(sql, 99), unit: 'ms' },
      { area: 'rest', metric: 'REST / direct p50 ratio (plain HTTP client)', value: p50(restPlain) / p50(sql), unit: 'x', target: '< 2' },
      { area: 'rest', metric: 'REST / direct p99 ratio (plain HTTP client)', value: percentile(restPlain, 99) / percentile(sql, 99), unit: 'x' },
      // The floor under the plain client: the same HTTP round trip around the direct query, no REST work.
      { area: 'rest', metric: 'bare HTTP proxy / direct p50 ratio (plain HTTP client)', value: p50(barePlain) / p50(sql), unit: 'x' },
      { area: 'rest', metric: 'bare HTTP proxy / direct p99 ratio (plain HTTP client)', value: percentile(barePlain, 99) / percentile(sql, 99), unit: 'x' },
      // As the app calls it: postgrest-js over Node's fetch costs the same in front of any server.
      { area: 'rest', metric: 'filtered select p50 via /rest/v1 (supabase-js)', value: p50(restSupabaseJs), unit: 'ms' },
      { area: 'rest', metric: 'filtered select p99 via /rest/v1 (supabase-js)', value: percentile(restSupabaseJs, 99), unit: 'ms' },
      { area: 'rest', metric: 'REST / direct p50 ratio (supabase-js)', value: p50(restSupabaseJs) / p50(sql), unit: 'x' },
      { area: 'rest', metric: 'bare HTTP proxy / direct p50 ratio (supabase-js)', value: p50(bareSupabaseJs) / p50(sql), unit: 'x' },
    ]
  }
  finally {
    viaRest.close()
    viaProxy.close()
    await proxy.close()
    await direct.query('drop table public.bench_items')
  }
}

async function realtimeLatency(stack: Stack): Promise<BenchRow[]> {
  const { p50, p99 } = await measureRealtimeLatency(stack, 300, WebSocket)
  return [
    { area: 'realtime', metric: 'commit to client p50', value: p50, unit: 'ms' },
    { area: 'realtime', metric: 'commit to client p99', value: p99, unit: 'ms', target: '< 100' },
  ]
}

export async function foundationBench(stack: Stack): Promise<BenchRow[]> {
  return [...await startupTimes(), ...await restOverhead(stack), ...await realtimeLatency(stack)]
}
