import { onBeforeUnmount, watch } from 'vue'
import { subscribeToAssignedLeads } from '@/api/live'
import type { LiveHandlers, LiveStatus } from '@/api/live'

export interface LiveQueueHandlers extends LiveHandlers {
  /** The subscription came back after a drop: changes may have been missed, so reload. */
  onResubscribed: () => void
  /** The subscription is up for the first time: for a page that joined it after loading. */
  onSubscribed?: () => void
}

export interface FollowOptions extends LiveQueueHandlers {
  subscribe: typeof subscribeToAssignedLeads
}

/** Subscribes to the member's leads and reports reconnections; returns the stop function. */
export function followAssignedLeads(memberId: string, options: FollowOptions): () => void {
  let subscribedBefore = false
  let lost = false
  return options.subscribe(memberId, { onChange: options.onChange, onTakenAway: options.onTakenAway }, (status: LiveStatus) => {
    if (status === 'SUBSCRIBED') {
      if (!subscribedBefore)
        options.onSubscribed?.()
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

// Moving between the rep's pages swaps one user of the subscription for another: it is kept this
// long after its last user leaves, so a navigation does not leave and rejoin the channel (the
// client would hand the new page the channel being torn down, which has the same topic).
const lingerMs = 2000

/**
 * One subscription per member, shared by the components that want it; the newest user's
 * handlers receive the events. Returns the release function.
 */
export function sharedFollower(subscribe: typeof subscribeToAssignedLeads = subscribeToAssignedLeads) {
  let current: { memberId: string, stop: () => void, users: Set<LiveQueueHandlers>, stopTimer?: ReturnType<typeof setTimeout> } | undefined

  const newest = (): LiveQueueHandlers | undefined => current && [...current.users].at(-1)

  function stopNow(): void {
    clearTimeout(current?.stopTimer)
    current?.stop()
    current = undefined
  }

  return function acquire(memberId: string, handlers: LiveQueueHandlers): () => void {
    if (current && current.memberId !== memberId)
      stopNow()
    if (!current) {
      const users = new Set<LiveQueueHandlers>()
      current = {
        memberId,
        users,
        stop: followAssignedLeads(memberId, {
          subscribe,
          onChange: change => newest()?.onChange(change),
          onTakenAway: notice => newest()?.onTakenAway(notice),
          onResubscribed: () => newest()?.onResubscribed(),
          onSubscribed: () => newest()?.onSubscribed?.(),
        }),
      }
    }
    const held = current
    clearTimeout(held.stopTimer)
    held.users.add(handlers)
    return () => {
      if (!held.users.delete(handlers) || held.users.size > 0)
        return
      held.stopTimer = setTimeout(() => {
        if (current === held && held.users.size === 0)
          stopNow()
      }, lingerMs)
    }
  }
}

const acquireShared = sharedFollower()

/**
 * Live changes to the signed-in rep's leads (new assignments, updates, leads taken away) while
 * the calling component is mounted; follows sign-in changes of `memberId`.
 */
export function useLiveLeads(memberId: () => string | null | undefined, handlers: LiveQueueHandlers): void {
  let release: (() => void) | undefined
  watch(memberId, (id) => {
    release?.()
    release = id ? acquireShared(id, handlers) : undefined
  }, { immediate: true })
  onBeforeUnmount(() => release?.())
}
