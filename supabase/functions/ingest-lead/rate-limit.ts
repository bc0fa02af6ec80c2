// Posts per minute, per source and per (source, client IP), counted in the database so the limit
// holds however many function instances serve the endpoint. A fixed one-minute window: one
// upsert per request, and a client over the limit learns exactly when the window turns.
import type { Sql } from '../_shared/db/postgres.ts'
import { IngestError } from './answers.ts'
import type { LeadSource } from './source-auth.ts'

const WINDOW_MS = 60_000
// Old windows are deleted now and then by whichever request draws the short straw.
const PRUNE_CHANCE = 1 / 500

export function rateWindow(now: Date): { start: Date, retryAfterSeconds: number } {
  const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS
  return { start: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + WINDOW_MS - now.getTime()) / 1000)) }
}

/** Counts this post; 429 with Retry-After when the source or the client's address is over its limit. */
export async function countPost(sql: Sql, source: LeadSource, ip: string, now: Date): Promise<void> {
  const { start, retryAfterSeconds } = rateWindow(now)
  const sourceBucket = source.id
  const ipBucket = `${source.id}|${ip}`
  // Always the source's row first, then the address's: concurrent posts lock them in one order.
  const rows = await sql<{ bucket: string, hits: number }[]>`
    insert into private.ingest_rate_counters as c (bucket, window_start, hits)
    values (${sourceBucket}, ${start}, 1), (${ipBucket}, ${start}, 1)
    on conflict (bucket, window_start) do update set hits = c.hits + 1
    returning bucket, hits`
  if (Math.random() < PRUNE_CHANCE) {
    sql`delete from private.ingest_rate_counters where window_start < ${new Date(start.getTime() - 5 * WINDOW_MS)}`
      .catch(error => console.error('pruning rate counters failed:', error))
  }
  const hits = (bucket: string) => rows.find(row => row.bucket === bucket)?.hits ?? 0
  const retry = { 'retry-after': String(retryAfterSeconds) }
  if (hits(sourceBucket) > source.rate_limit_per_minute) {
    throw new IngestError(429, 'rate_limited',
      `This source accepts ${source.rate_limit_per_minute} leads a minute; try again in ${retryAfterSeconds} s`, null, retry)
  }
  if (hits(ipBucket) > source.ip_rate_limit_per_minute) {
    throw new IngestError(429, 'rate_limited',
      `Too many posts from your address; try again in ${retryAfterSeconds} s`, null, retry)
  }
}
