// Idempotency-Key (IETF httpapi draft): the first answer for a key is stored with the lead it
// created, in the same transaction, and replayed for every retry within ANSWER_TTL_HOURS. A
// retry whose answer is stored is answered by the authenticating statement (source-auth.ts),
// before the rate limit counts it; a concurrent retry waits on the key's row until the first one
// commits, then replays it; the same key with another body is 422. After the window a key is
// new again, and its stored answer is deleted now and then by the ingest path itself, so the
// table stays small on hosted Supabase with no scheduler.
import type { Sql, Tx } from '../_shared/db/postgres.ts'
import { IngestError } from './answers.ts'

export interface StoredAnswer {
  status: number
  body: Record<string, unknown>
}

const MAX_KEY_LENGTH = 255

/** How long a stored answer is replayed (and kept). */
export const ANSWER_TTL_HOURS = 24

/** The oldest stored answer still replayed at `now`. */
export function answersNotBefore(now: Date): Date {
  return new Date(now.getTime() - ANSWER_TTL_HOURS * 3_600_000)
}

/** The request's Idempotency-Key, or null; 400 when it is empty or too long. */
export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get('idempotency-key')
  if (key === null)
    return null
  const trimmed = key.trim().replace(/^"(.*)"$/, '$1')
  if (trimmed === '' || trimmed.length > MAX_KEY_LENGTH)
    throw new IngestError(400, 'invalid_idempotency_key', `The Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`)
  return trimmed
}

/**
 * Takes the key for this request inside the transaction. Returns null when this request is the
 * first (its answer must then be saved with `saveAnswer`), else the answer to replay.
 */
export async function claimKey(tx: Tx, sourceId: string, key: string, requestHash: string, now: Date): Promise<StoredAnswer | null> {
  // A key whose answer is past the window is taken afresh, as if it had never been used.
  const claimed = await tx`
    insert into public.ingest_requests (source_id, idempotency_key, request_hash, created_at)
    values (${sourceId}, ${key}, ${requestHash}, ${now})
    on conflict (source_id, idempotency_key) do update
      set request_hash = excluded.request_hash, created_at = excluded.created_at,
          response_status = null, response_body = null, lead_id = null
      where ingest_requests.created_at < ${answersNotBefore(now)}
    returning 1`
  if (claimed.length > 0)
    return null
  const [stored] = await tx<{ request_hash: string | null, response_status: number | null, response_body: Record<string, unknown> | null }[]>`
    select request_hash, response_status, response_body from public.ingest_requests
    where source_id = ${sourceId} and idempotency_key = ${key}`
  if (stored && stored.request_hash !== null && stored.request_hash !== requestHash)
    throw new IngestError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different body')
  if (!stored || stored.response_status === null || stored.response_body === null)
    throw new IngestError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly')
  return { status: stored.response_status, body: stored.response_body }
}

/** Stores the first answer for the key; sent right away, behind the lead's own writes. */
export function saveAnswer(tx: Tx, sourceId: string, key: string, answer: StoredAnswer, leadId: string): Promise<unknown> {
  return tx`
    update public.ingest_requests
    set response_status = ${answer.status}, response_body = ${tx.json(answer.body as never)}, lead_id = ${leadId}
    where source_id = ${sourceId} and idempotency_key = ${key}`.execute()
}

// Each post has this chance to delete up to PRUNE_LIMIT expired answers: at least as fast as
// posts add them, one short indexed delete now and then.
const PRUNE_CHANCE = 1 / 200
const PRUNE_LIMIT = 1000

/** Deletes up to `limit` answers older than the window; how many it deleted. */
export async function pruneAnswers(sql: Sql, now: Date, limit = PRUNE_LIMIT): Promise<number> {
  const deleted = await sql`
    delete from public.ingest_requests where ctid = any(array(
      select ctid from public.ingest_requests where created_at < ${answersNotBefore(now)} limit ${limit}))`
  return deleted.count
}

/** Now and then, prunes expired answers (in the background; failures only logged). */
export function maybePruneAnswers(sql: Sql, now: Date, random: () => number = Math.random): void {
  if (random() >= PRUNE_CHANCE)
    return
  pruneAnswers(sql, now).catch(error => console.error('pruning idempotency answers failed:', error))
}
