import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'
import { startStack } from '../../supabase/local/stack.ts'
import type { Stack } from '../../supabase/local/stack.ts'
import { timeBareProxy } from './bare-proxy.ts'
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
async function untilServed(attempt: () => PromiseLike<{ error: unknown }>): Promise<void> {
  const deadline = Date.now() + 10_000
  while ((await attempt()).error) {
    if (Date.now() > deadline)
      throw new Error('/rest/v1 did not pick up the bench table within 10 s')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

async function compareRestWithDirect(stack: Stack, direct: pg.Client): Promise<BenchRow[]> {
  await direct.query(`
    create table if not exists public.bench_items (id serial primary key, bucket int not null, label text not null);
    truncate public.bench_items;
    insert into public.bench_items (bucket, label) select i % 100, 'item ' || i from generate_series(1, 20000) i;
    create index if not exists bench_items_bucket on public.bench_items (bucket);
    analyze public.bench_items;
    notify pgrst, 'reload schema';`)
  const client = createClient(stack.apiUrl, stack.serviceRoleKey, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
  await untilServed(() => client.from('bench_items').select('id').limit(1))
  const viaRest = (i: number) => client.from('bench_items').select('id, label').eq('bucket', i % 100).order('id').limit(20).throwOnError()
  const query = 'select id, label from public.bench_items where bucket = $1 order by id limit 20'
  const viaSql = (i: number) => direct.query(query, [i % 100])
  // Warm up to a steady state: Node keeps optimising the request path (client and server) for the
  // first couple of thousand requests, while the direct query is flat after a few hundred.
  await timeEach(2500, viaRest)
  await timeEach(500, viaSql)
  const rest = await timeEach(2000, viaRest)
  const sql = await timeEach(2000, viaSql)
  const proxy = await timeBareProxy(stack.dbUrl, stack.serviceRoleKey, query, 2500, 2000)
  await direct.query('drop table public.bench_items')
  const ratio = percentile(rest, 50) / percentile(sql, 50)
  return [
    { area: 'rest', metric: 'filtered select p50 via /rest/v1', value: percentile(rest, 50), unit: 'ms' },
    { area: 'rest', metric: 'filtered select p99 via /rest/v1', value: percentile(rest, 99), unit: 'ms' },
    { area: 'rest', metric: 'same query p50 direct', value: percentile(sql, 50), unit: 'ms' },
    { area: 'rest', metric: 'same query p99 direct', value: percentile(sql, 99), unit: 'ms' },
    { area: 'rest', metric: 'REST / direct p50 ratio', value: ratio, unit: 'x', target: '< 2' },
    // The floor: the same client and HTTP round trip around the direct query, with no REST work at all.
    { area: 'rest', metric: 'same query p50 via a bare HTTP proxy', value: percentile(proxy, 50), unit: 'ms' },
    { area: 'rest', metric: 'bare proxy / direct p50 ratio', value: percentile(proxy, 50) / percentile(sql, 50), unit: 'x' },
  ]
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
