// The acknowledgment a lead gets from the source's template ("Hi {{first_name}}, thanks…"), queued
// in outbound_messages for the sending worker: by email when the lead left one, else by SMS.
import type { Tx } from '../_shared/db/postgres.ts'

export interface AckContext {
  firstName: string | null
  lastName: string | null
  fullName: string | null
  company: string | null
  email: string | null
  phone: string | null
  sourceName: string
  orgName: string
}

/** Fills {{placeholders}}; unknown ones become empty, a missing first name becomes "there". */
export function renderAck(template: string, context: AckContext): string {
  const firstName = context.firstName ?? context.fullName?.split(/\s+/)[0] ?? null
  const values: Record<string, string | null> = {
    first_name: firstName ?? 'there',
    last_name: context.lastName,
    full_name: context.fullName ?? firstName ?? 'there',
    name: context.fullName ?? firstName ?? 'there',
    company: context.company,
    email: context.email,
    phone: context.phone,
    source: context.sourceName,
    organization: context.orgName,
    org: context.orgName,
  }
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_match, name: string) => values[name.toLowerCase()] ?? '').trim()
}

/**
 * Queues the acknowledgment and its ack_queued event in one statement, sent right away; nothing
 * when the source has no template or the lead left no address.
 */
export function queueAck(
  tx: Tx,
  lead: { id: string, orgId: string, sourceId: string, now: Date },
  template: string | null,
  context: AckContext,
): Promise<unknown> | null {
  if (template === null || template.trim() === '')
    return null
  const channel = context.email !== null ? 'email' : context.phone !== null ? 'sms' : null
  if (channel === null)
    return null
  return tx`
    with message as (
      insert into public.outbound_messages (org_id, lead_id, source_id, channel, recipient, subject, body, send_after)
      values (${lead.orgId}, ${lead.id}, ${lead.sourceId}, ${channel}, ${channel === 'email' ? context.email : context.phone},
              ${channel === 'email' ? `Thanks for contacting ${context.orgName}` : null}, ${renderAck(template, context)}, ${lead.now})
      returning id, channel
    )
    insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
    select ${lead.id}, ${lead.orgId}, 'ack_queued', ${lead.now}, jsonb_build_object('message_id', message.id, 'channel', message.channel)
    from message`.execute()
}
