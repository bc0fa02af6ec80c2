import { onBeforeUnmount, watch } from 'vue'
import { subscribeToAssignedLeads } from '@/api/live'
import type { LeadChange, LiveStatus } from '@/api/live'

export interface FollowOptions {
  subscribe: typeof subscribeToAssignedLeads
  onChange: (change: LeadChange) => void
  /** The subscription came back after a drop: changes may have been missed, so reload. */
  onResubscribed: () => void
}

/** Subscribes to the member's assigned leads and reports reconnections; returns the stop function. */
export function followAssignedLeads(memberId: string, options: FollowOptions): () => void {
  let subscribedBefore = false
  let lost = false
  return options.subscribe(memberId, options.onChange, (status: LiveStatus) => {
    if (status === 'SUBSCRIBED') {
      if (subscribedBefore && lost)
        options.onResubscribed()
      subscribedBefore = true
      lost = false
    }
    else {
      lost = true
    }
  })
}

/**
 * Live changes to the signed-in rep's leads (new assignments, updates) while the calling
 * component is mounted; follows sign-in changes of `memberId`.
 */
export function useLiveLeads(memberId: () => string | null | undefined, onChange: (change: LeadChange) => void, onResubscribed: () => void): void {
  let stop: (() => void) | undefined
  watch(memberId, (id) => {
    stop?.()
    stop = id ? followAssignedLeads(id, { subscribe: subscribeToAssignedLeads, onChange, onResubscribed }) : undefined
  }, { immediate: true })
  onBeforeUnmount(() => stop?.())
}
