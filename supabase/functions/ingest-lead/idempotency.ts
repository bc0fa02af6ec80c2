// Idempotency-Key (IETF httpapi draft): the first answer for a key is stored with the lead it
// created, in the same transaction, and replayed for every retry. A concurrent retry waits on the
// key's row until the first one commits, then replays it; the same key with another body is 422.
import type { Tx } from '../_shared/db/postgres.ts'
import { IngestError } from './answers.ts'

export interface StoredAnswer {
  status: number
  body: Record<string, unknown>
}

const MAX_KEY_LENGTH = 255

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
export async function claimKey(tx: Tx, sourceId: string, key: string, requestHash: string): Promise<StoredAnswer | null> {
  const claimed = await tx`
    insert into public.ingest_requests (source_id, idempotency_key, request_hash)
    values (${sourceId}, ${key}, ${requestHash})
    on conflict (source_id, idempotency_key) do nothing
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
