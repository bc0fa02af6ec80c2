// A lead as its push alert shows it, read by the functions that push about one lead a caller
// acted on (manager-nudge, reassign-lead) with their own connection: the caller's JWT has
// already decided whether they may act on it.
import type { Sql } from '../db/postgres.ts'
import type { LeadPushKind, LeadPushPayload } from './payload.ts'

export interface PushLead {
  id: string
  org_id: string
  name: string
  company: string | null
  tier: LeadPushPayload['tier']
  score: number
  phone: string | null
  source_name: string | null
  created_at: Date
  sla_due_at: Date | null
}

/** The lead, or null when it does not exist (any more). */
export async function loadPushLead(sql: Sql, leadId: string): Promise<PushLead | null> {
  const [lead] = await sql<PushLead[]>`
    select l.id, l.org_id,
           coalesce(l.full_name, nullif(concat_ws(' ', l.first_name, l.last_name), ''), l.email, l.phone, 'Lead') as name,
           l.company, l.tier, l.score, l.phone, s.name as source_name, l.created_at, l.sla_due_at
    from public.leads l
    left join public.lead_sources s on s.id = l.source_id
    where l.id = ${leadId}`
  return lead ?? null
}

/** The push payload of a `kind` alert about `lead`. */
export function pushLeadPayload(lead: PushLead, kind: LeadPushKind): LeadPushPayload {
  return {
    kind,
    leadId: lead.id,
    name: lead.name,
    company: lead.company,
    tier: lead.tier,
    source: lead.source_name ?? 'Unknown source',
    waitingSince: lead.created_at.toISOString(),
    phone: lead.phone,
  }
}
