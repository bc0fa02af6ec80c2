// Appends many lead events in few statements (set-based: one insert per chunk, not per lead).
import type { Tx } from '../_shared/db/postgres.ts'
import type { JsonValue } from '../_shared/domain/lead-input.ts'

export interface LeadEvent {
  lead_id: string
  org_id: string
  type: 'reminded' | 'breached' | 'reassigned' | 'assigned' | 'routed' | 'fallback_queued' | 'escalated' | 'push_pending' | 'push_failed'
  occurred_at: Date
  details: Record<string, unknown>
}

// Keeps each statement's JSON parameter to a few megabytes.
const CHUNK = 5_000

export async function appendEvents(tx: Tx, events: readonly LeadEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += CHUNK) {
    const rows = events.slice(start, start + CHUNK).map(event => ({ ...event, occurred_at: event.occurred_at.toISOString() }))
    await tx`
      insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
      select e.lead_id, e.org_id, e.type::public.lead_event_type, e.occurred_at, e.details
      from jsonb_to_recordset(${tx.json(rows as unknown as JsonValue)})
        as e (lead_id uuid, org_id uuid, type text, occurred_at timestamptz, details jsonb)`
  }
}
