import { watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { LocationQuery } from 'vue-router'
import type { LeadRow } from '@/api/types'
import { callQueryFlag } from '@/shared/constants'
import { useQueueStore } from '@/stores/queue'

/** Whether the page was opened to call at once (`?call=1`, the Call action of a notification). */
export function callRequested(query: LocationQuery): boolean {
  return query[callQueryFlag] === '1'
}

/** The query without the call flag, so a reload or Back does not dial again. */
export function withoutCallFlag(query: LocationQuery): LocationQuery {
  return Object.fromEntries(Object.entries(query).filter(([name]) => name !== callQueryFlag))
}

/** Follows a tel: link as a tap on one would (the same path the Call button takes). */
export function followLink(url: string): void {
  const link = document.createElement('a')
  link.href = url
  document.body.append(link)
  link.click()
  link.remove()
}

/**
 * `/lead/:id?call=1`: once the lead is shown, records the contact attempt through the outbox
 * (as a tap on Call does) and dials. The rep already chose Call on the notification, so a
 * high-value lead's read-first step is skipped. Without a phone number nothing is dialled.
 */
export function useCallOnArrival(lead: () => LeadRow | null, dial: (url: string) => void = followLink): void {
  const route = useRoute()
  const router = useRouter()
  const queue = useQueueStore()

  watch(lead, async (current) => {
    if (!current || current.id !== route.params.id || !callRequested(route.query))
      return
    await router.replace({ query: withoutCallFlag(route.query) })
    if (!current.phone)
      return
    queue.arm(current.id)
    // Stored before dialling: the dialer may put the app in the background for a long time.
    await queue.startContact(current, 'phone')
    dial(`tel:${current.phone}`)
  }, { immediate: true })
}
