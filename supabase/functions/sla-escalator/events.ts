// Appends many lead events in few statements (set-based: one insert per chunk, not per lead).
import type { Tx } from '../_shared/db/postgres.ts'

export interface LeadEvent {
  lead_id: string
  org_id: string
  type: 'reminded' | 'breached' | 'reassigned' | 'assigned' | 'routed' | 'fallback_queued' | 'escalated' | 'push_pending' | 'push_failed'
  occurred_at: Date
  details: Record<string, unknown>
}

// Keeps each statement's parameter to a few megabytes.
const CHUNK = 5_000

/**
 * Sends the chunks one after another without waiting in between, so the database inserts one
 * while the next is serialized. JSON text (a text parameter read by json_to_recordset), not
 * jsonb: it is read once rather than built into a tree only to be taken apart again.
 */
export async function appendEvents(tx: Tx, events: readonly LeadEvent[]): Promise<void> {
  const inserts = []
  for (let start = 0; start < events.length; start += CHUNK) {
    inserts.push(tx`
      insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
      select e.lead_id, e.org_id, e.type::public.lead_event_type, e.occurred_at, e.details
      from json_to_recordset(${JSON.stringify(events.slice(start, start + CHUNK))}::text::json)
        as e (lead_id uuid, org_id uuid, type text, occurred_at timestamptz, details jsonb)`.execute())
  }
  await Promise.all(inserts)
}
