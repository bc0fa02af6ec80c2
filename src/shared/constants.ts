// Names shared by the app and the service worker. Plain values only: this module is compiled
// with both the DOM and the WebWorker libraries.

/** Keys in localStorage / IndexedDB, all prefixed so they never collide with other apps on the origin. */
export const storageKeys = {
  /** supabase-js keeps the session here, so it survives restarts. */
  authSession: 'pronto.auth',
} as const

/** `postMessage` types between the app and the service worker. */
export const workerMessages = {
  /**
   * Activates a waiting worker. The value is fixed by workbox-window's `messageSkipWaiting()`,
   * which the update prompt uses.
   */
  skipWaiting: 'SKIP_WAITING',
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
