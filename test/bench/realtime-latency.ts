import { randomUUID } from 'node:crypto'
import { createClient } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'
import { signJwt } from '../../supabase/local/jwt.ts'
import { percentile } from './stats.ts'

/** Where the stack listens; both `Stack` and the tests' injected `StackInfo` fit. */
export interface RealtimeLatencyTarget {
  apiUrl: string
  anonKey: string
  dbUrl: string
}

const table = 'public.rt_latency_probe'
const eventTimeoutMs = 5000

/**
 * Commit-to-client latency of postgres_changes: a signed-in supabase-js client subscribes with
 * a filter to an RLS table (the path apps take), a direct connection inserts one row at a time,
 * and each sample runs from sending the autocommit INSERT to the client's callback.
 */
export async function measureRealtimeLatency(stack: RealtimeLatencyTarget, samples: number, transport: unknown = WebSocket): Promise<{ p50: number, p99: number }> {
  const sql = new pg.Client({ connectionString: stack.dbUrl })
  await sql.connect()
  const owner = randomUUID()
  const client = createClient(stack.apiUrl, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: transport as never },
  })
  try {
    await sql.query(`
      drop table if exists ${table};
      create table ${table} (id bigint generated always as identity primary key, owner uuid not null, sample int not null);
      alter table ${table} enable row level security;
      create policy "owner reads" on ${table} for select to authenticated using (owner = (select auth.uid()));
      alter publication supabase_realtime add table ${table};`)
    await client.realtime.setAuth(await signJwt({ sub: owner, role: 'authenticated', aud: 'authenticated' }, 3600))

    const arrivals = new Map<number, number>()
    let wake: (() => void) | undefined
    await new Promise<void>((resolve, reject) => {
      client.channel('latency-probe')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_latency_probe', filter: `owner=eq.${owner}` }, (change) => {
          arrivals.set((change.new as { sample: number }).sample, performance.now())
          wake?.()
        })
        .subscribe((status, error) => status === 'SUBSCRIBED' ? resolve() : reject(error ?? new Error(status)))
    })

    const measure = async (sample: number): Promise<number> => {
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sample ${sample} never arrived`)), eventTimeoutMs)
        wake = () => {
          if (arrivals.has(sample)) {
            clearTimeout(timer)
            resolve()
          }
        }
      })
      const sent = performance.now()
      await sql.query(`insert into ${table} (owner, sample) values ($1, $2)`, [owner, sample])
      await arrived
      return (arrivals.get(sample) as number) - sent
    }

    const warmup = Math.min(20, samples)
    for (let i = 0; i < warmup; i++)
      await measure(-1 - i)
    const latencies: number[] = []
    for (let i = 0; i < samples; i++) {
      // Spread commits over the WAL writer's cycle instead of phase-locking to it.
      await new Promise(resolve => setTimeout(resolve, Math.random() * 10))
      latencies.push(await measure(i))
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
  }
  finally {
    await client.removeAllChannels()
    await sql.query(`drop table if exists ${table}`).catch(() => {})
    await sql.end()
  }
}
