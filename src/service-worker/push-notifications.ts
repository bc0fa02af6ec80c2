import { notificationForPush } from '../shared/lead-notification'

// Structural types rather than the WebWorker library's, so this module also type-checks (and
// unit-tests) beside the app's DOM code.

/** What the handler reads of a push message's data. */
export interface PushData {
  json: () => unknown
}

/** What the handler needs of the worker's registration. */
export interface NotificationShower {
  showNotification: (title: string, options?: NotificationOptions) => Promise<void>
}

interface PushEventLike extends Event {
  readonly data: PushData | null
  waitUntil: (promise: Promise<unknown>) => void
}

interface PushScope {
  registration: NotificationShower
  addEventListener: (type: 'push', listener: (event: Event) => void) => void
}

/** The push message's data as JSON; null when there is none or it is not JSON. */
export function readPushData(data: PushData | null): unknown {
  if (!data)
    return null
  try {
    return data.json()
  }
  catch {
    return null
  }
}

/** Shows the notification for one push message. */
export function showPushNotification(registration: NotificationShower, data: unknown, now: Date): Promise<void> {
  const { title, options } = notificationForPush(data, now)
  return registration.showNotification(title, options)
}

/**
 * Answers every push with a notification: subscriptions are made with userVisibleOnly, and a
 * push that shows nothing can get the subscription revoked by the browser.
 */
export function listenForPush(worker: PushScope): void {
  worker.addEventListener('push', (event) => {
    const push = event as PushEventLike
    push.waitUntil(showPushNotification(worker.registration, readPushData(push.data), new Date()))
  })
}
