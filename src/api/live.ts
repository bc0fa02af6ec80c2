import type { LeadRow } from './types'
import { joinChannel } from './supabase'
import type { LiveStatus } from './supabase'

export interface LeadChange {
  type: 'INSERT' | 'UPDATE' | 'DELETE'
  /** The row as it is now (empty for DELETE). */
  lead: Partial<LeadRow>
  /** The row before, where the server sends it (with RLS on, often only the id). */
  old: Partial<LeadRow>
}

/** Why a lead left the member (public.member_lead_notices.reason). */
export type TakenAwayReason = 'reassigned' | 'escalated' | 'unassigned'

/** Leads that stopped being the member's without them acting on it (one change may move many). */
export interface LeadTakenAway {
  leadIds: string[]
  reason: TakenAwayReason
  /** ISO time the move was written. */
  at: string
}

export type { LiveStatus }

export interface LiveHandlers {
  /** New assignments and changes to the member's leads. */
  onChange: (change: LeadChange) => void
  /** A lead reassigned, escalated or unassigned away from the member. */
  onTakenAway: (notice: LeadTakenAway) => void
}

const reasons: readonly TakenAwayReason[] = ['reassigned', 'escalated', 'unassigned']

/** The notice row as realtime delivers it; anything else is ignored. */
export function toTakenAway(row: Record<string, unknown>): LeadTakenAway | null {
  const reason = reasons.find(known => known === row.reason)
  const leadIds = Array.isArray(row.lead_ids) ? row.lead_ids.filter((id): id is string => typeof id === 'string') : []
  return leadIds.length > 0 && reason && row.kind === 'taken_away'
    ? { leadIds, reason, at: typeof row.created_at === 'string' ? row.created_at : new Date().toISOString() }
    : null
}

/**
 * Follows the member's leads on one channel: changes to the leads assigned to them, and the
 * notices of leads taken away. The lead's own UPDATE cannot say that: realtime checks RLS on the
 * row as it is after the change, which the old owner may no longer read, so a trigger writes
 * public.member_lead_notices for them (INSERTs only: realtime does not check RLS on DELETEs).
 * Returns the unsubscribe function.
 */
export function subscribeToAssignedLeads(
  memberId: string,
  handlers: LiveHandlers,
  onStatus: (status: LiveStatus) => void = () => {},
): () => void {
  return joinChannel(`rep-leads:${memberId}`, channel => channel
    .on('postgres_changes', { event: '*', schema: 'public', table: 'leads', filter: `assigned_to=eq.${memberId}` }, (payload) => {
      handlers.onChange({
        type: payload.eventType,
        lead: payload.new as Partial<LeadRow>,
        old: payload.old as Partial<LeadRow>,
      })
    })
    .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'member_lead_notices', filter: `member_id=eq.${memberId}` }, (payload) => {
      const notice = toTakenAway(payload.new)
      if (notice)
        handlers.onTakenAway(notice)
    }), onStatus)
}
