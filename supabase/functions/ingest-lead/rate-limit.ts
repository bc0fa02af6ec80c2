// Posts per minute, per source and per (source, client IP), counted in the database so the limit
// holds however many function instances serve the endpoint: a fixed one-minute window, counted by
// the statement that authenticates the post (source-auth.ts), and a client over the limit learns
// exactly when the window turns.
import type { Sql } from '../_shared/db/postgres.ts'
import { IngestError } from './answers.ts'
import type { AuthenticatedPost } from './source-auth.ts'

const WINDOW_MS = 60_000
// Old windows are deleted now and then by whichever post draws the short straw.
const PRUNE_CHANCE = 1 / 500

export function rateWindow(now: Date): { start: Date, retryAfterSeconds: number } {
  const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS
  return { start: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + WINDOW_MS - now.getTime()) / 1000)) }
}

/** 429 with Retry-After when the source or the client's address is over its limit. */
export function checkRate({ source, hits }: AuthenticatedPost, now: Date): void {
  if (hits === null)
    return
  const { retryAfterSeconds } = rateWindow(now)
  const retry = { 'retry-after': String(retryAfterSeconds) }
  if (hits.source > source.rate_limit_per_minute) {
    throw new IngestError(429, 'rate_limited',
      `This source accepts ${source.rate_limit_per_minute} leads a minute; try again in ${retryAfterSeconds} s`, null, retry)
  }
  if (hits.ip > source.ip_rate_limit_per_minute)
    throw new IngestError(429, 'rate_limited', `Too many posts from your address; try again in ${retryAfterSeconds} s`, null, retry)
}

/** Now and then, deletes counters of windows long gone (in the background; failures only logged). */
export function maybePruneCounters(sql: Sql, now: Date): void {
  if (Math.random() >= PRUNE_CHANCE)
    return
  sql`delete from private.ingest_rate_counters where window_start < ${new Date(rateWindow(now).start.getTime() - 5 * WINDOW_MS)}`
    .catch(error => console.error('pruning rate counters failed:', error))
}
