import { syncTags } from '../shared/constants'

interface SyncManagerLike {
  register: (tag: string) => Promise<void>
}

/**
 * Asks the service worker for a Background Sync of the outbox, where the browser has it (not
 * iOS): it fires when the network is back, even if the app was closed meanwhile. True if asked.
 */
export async function requestOutboxSync(): Promise<boolean> {
  if (!('serviceWorker' in navigator))
    return false
  try {
    const registration = await navigator.serviceWorker.getRegistration()
    const sync = (registration as (ServiceWorkerRegistration & { sync?: SyncManagerLike }) | undefined)?.sync
    if (!sync)
      return false
    await sync.register(syncTags.outbox)
    return true
  }
  catch {
    // Permission denied or no active worker yet: the app's own triggers still flush the outbox.
    return false
  }
}
