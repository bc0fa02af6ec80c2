// Names shared by the app and the service worker. Plain values only: this module is compiled
// with both the DOM and the WebWorker libraries.

/** Keys in localStorage / IndexedDB, all prefixed so they never collide with other apps on the origin. */
export const storageKeys = {
  /** supabase-js keeps the session here, so it survives restarts. */
  authSession: 'pronto.auth',
  /** The one IndexedDB database (outbox, cached queue); see src/offline/db.ts. */
  database: 'pronto',
  /** localStorage: the rep closed the iOS "Add to Home Screen" hint. */
  iosInstallHintDismissed: 'pronto.ios-install-hint-dismissed',
  /** localStorage: the rep answered "Not now" to the hot-lead alerts card. */
  pushPromptDismissed: 'pronto.push-prompt-dismissed',
} as const

/** Background Sync tags the app registers and the service worker answers. */
export const syncTags = {
  /** Flush the outbox of writes made with no signal. */
  outbox: 'pronto-outbox',
} as const

/** Actions on a lead notification (push-notifications.ts), answered by notification-click.ts. */
export const notificationActions = {
  call: 'call',
  open: 'open',
} as const

/** Query flag on `/lead/:id`: start the call at once (the notification's Call action). */
export const callQueryFlag = 'call'

/** Tags of notifications: one per lead, so a newer alert about a lead replaces the older one. */
export const notificationTags = {
  lead: (leadId: string) => `lead-${leadId}`,
  test: 'pronto-test',
  /** A push whose payload could not be read. */
  activity: 'pronto-activity',
} as const

/** `postMessage` types between the app and the service worker. */
export const workerMessages = {
  /**
   * Activates a waiting worker. The value is fixed by workbox-window's `messageSkipWaiting()`,
   * which the update prompt uses.
   */
  skipWaiting: 'SKIP_WAITING',
  /** Worker to windows: Background Sync fired, send the outbox now (a window holds the fresh session). */
  flushOutbox: 'FLUSH_OUTBOX',
} as const

export type WorkerMessageType = typeof workerMessages[keyof typeof workerMessages]

/** Shape of every message posted to the service worker. */
export interface WorkerMessage {
  type: WorkerMessageType
}

/** Narrows an unknown `MessageEvent.data` to a message of ours. */
export function isWorkerMessage(data: unknown): data is WorkerMessage {
  if (typeof data !== 'object' || data === null || !('type' in data))
    return false
  return Object.values(workerMessages).includes((data as { type: unknown }).type as WorkerMessageType)
}
