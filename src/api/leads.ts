import { unwrap } from './errors'
import type { DispositionRow, LeadEventRow, LeadRow, LeadSourceRow, LeadStatus, QueueSummary } from './types'
import { leadColumns } from './types'
import { restClient } from './supabase'

/** Statuses in which a lead is still worked by its owner (the queue RPCs use the same list). */
export const openStatuses: readonly LeadStatus[] = ['new', 'assigned', 'attempting', 'contacted', 'qualified']

const selectLead = leadColumns.join(',')

/** Keeps the columns the phone uses: next_lead() answers whole rows (raw payload included). */
export function pickLead(row: LeadRow): LeadRow {
  return Object.fromEntries(leadColumns.map(column => [column, row[column] ?? null])) as unknown as LeadRow
}

/** The caller's next best lead, claiming one from the team's pool if that ranks first; null when nothing is ready. */
export async function fetchNextLead(): Promise<LeadRow | null> {
  const row = await unwrap<LeadRow | null>(restClient.rpc('next_lead').maybeSingle())
  return row ? pickLead(row) : null
}

/** Counts around the next lead: what else is ready, what is scheduled, upcoming callbacks, availability. */
export function fetchQueueSummary(): Promise<QueueSummary> {
  return unwrap<QueueSummary>(restClient.rpc('queue_summary'))
}

/**
 * The member's open leads (ready or scheduled), best first, so the queue can be worked offline.
 * Past the limit, the leads kept are those next_lead() would pick first: its priority (tier,
 * score, SLA due, age, re-engagement). PostgREST cannot order by next_lead()'s "due time only
 * while the clock runs"; the phone sorts what it keeps by the exact rule (src/offline/queue.ts).
 */
export function fetchOpenLeads(memberId: string): Promise<LeadRow[]> {
  return unwrap<LeadRow[]>(restClient.from('leads').select(selectLead)
    .eq('assigned_to', memberId)
    .in('status', [...openStatuses])
    .eq('is_spam', false)
    .order('tier')
    .order('score', { ascending: false })
    .order('sla_due_at', { nullsFirst: false })
    .order('created_at')
    .order('reengaged_count', { ascending: false })
    .order('id')
    .limit(200))
}

/** One lead the caller may read, or null (not theirs, or gone). */
export function fetchLead(leadId: string): Promise<LeadRow | null> {
  return unwrap<LeadRow | null>(restClient.from('leads').select(selectLead).eq('id', leadId).maybeSingle())
}

export interface LeadHistory {
  events: LeadEventRow[]
  dispositions: DispositionRow[]
}

/** The event trail and the caller's earlier outcomes of these leads, newest first. */
export async function fetchLeadHistory(leadIds: string[]): Promise<LeadHistory> {
  if (leadIds.length === 0)
    return { events: [], dispositions: [] }
  const [events, dispositions] = await Promise.all([
    unwrap<LeadEventRow[]>(restClient.from('lead_events').select('id,lead_id,type,actor_id,occurred_at,details')
      .in('lead_id', leadIds)
      .order('occurred_at', { ascending: false })
      .limit(40 * leadIds.length)),
    unwrap<DispositionRow[]>(restClient.from('dispositions').select('id,lead_id,outcome,notes,callback_at,channel,occurred_at')
      .in('lead_id', leadIds)
      .order('occurred_at', { ascending: false })
      .limit(20 * leadIds.length)),
  ])
  return { events, dispositions }
}

/** The organization's lead sources (names only; key hashes are never readable). */
export function fetchLeadSources(): Promise<LeadSourceRow[]> {
  return unwrap<LeadSourceRow[]>(restClient.from('lead_sources').select('id,name,channel'))
}
