import type { LeadRow } from './types'
import { supabase } from './supabase'

export interface LeadChange {
  type: 'INSERT' | 'UPDATE' | 'DELETE'
  /** The row as it is now (empty for DELETE). */
  lead: Partial<LeadRow>
  /** The row before, where the server sends it (with RLS on, often only the id). */
  old: Partial<LeadRow>
}

export type LiveStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR'

/**
 * Follows changes to the leads assigned to the member: new assignments, updates. A lead taken
 * away is not announced (RLS hides the row once it is someone else's), so callers re-check.
 * Returns the unsubscribe function.
 */
export function subscribeToAssignedLeads(
  memberId: string,
  onChange: (change: LeadChange) => void,
  onStatus: (status: LiveStatus) => void = () => {},
): () => void {
  const channel = supabase
    .channel(`rep-leads:${memberId}`)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'leads', filter: `assigned_to=eq.${memberId}` }, (payload) => {
      onChange({
        type: payload.eventType,
        lead: payload.new as Partial<LeadRow>,
        old: payload.old as Partial<LeadRow>,
      })
    })
    .subscribe(status => onStatus(status as LiveStatus))
  return () => {
    void supabase.removeChannel(channel)
  }
}
