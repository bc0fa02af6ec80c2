// The idempotent writes the outbox replays. They take the client as an argument and never import
// the app's client, because the service worker sends them too (with its own client) when no
// window is open.
import type { RestClient } from './rest-client'
import { unwrap } from './errors'
import type { ContactAttemptInput, DispositionInput, DispositionResult, MemberAvailability } from './types'

/** Applies call outcomes in one batch; one result per item, in order. Replays answer 'duplicate'. */
export function syncDispositions(client: RestClient, items: DispositionInput[]): Promise<DispositionResult[]> {
  return unwrap<DispositionResult[]>(client.rpc('sync_dispositions', { items }))
}

/** Records a tap on Call (or SMS, email); idempotent on `attempt.id`. */
export async function recordContactAttempt(client: RestClient, attempt: ContactAttemptInput): Promise<void> {
  await unwrap(client.rpc('record_contact_attempt', {
    id: attempt.id,
    lead_id: attempt.lead_id,
    occurred_at: attempt.occurred_at,
    channel: attempt.channel,
  }))
}

/** Sets the caller's availability; setting the same value again changes nothing. */
export async function setAvailability(client: RestClient, status: MemberAvailability): Promise<void> {
  await unwrap(client.rpc('set_availability', { status }))
}
