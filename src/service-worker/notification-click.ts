import { callQueryFlag, notificationActions } from '../shared/constants'
import { readNotificationData } from '../shared/lead-notification'

// Structural types rather than the WebWorker library's, so this module also type-checks (and
// unit-tests) beside the app's DOM code.

/** What the handler needs of a WindowClient. */
export interface AppWindow {
  readonly focused: boolean
  readonly visibilityState: string
  focus: () => Promise<AppWindow>
  navigate: (url: string) => Promise<AppWindow | null>
}

/** What the handler needs of the worker's `clients`. */
export interface AppWindows {
  matchAll: (options: { type: 'window', includeUncontrolled: boolean }) => Promise<readonly AppWindow[]>
  openWindow: (url: string) => Promise<unknown>
}

interface NotificationClickLike extends Event {
  readonly action: string
  readonly notification: { readonly data: unknown, close: () => void }
  waitUntil: (promise: Promise<unknown>) => void
}

interface ClickScope {
  clients: AppWindows
  registration: { readonly scope: string }
  addEventListener: (type: 'notificationclick', listener: (event: Event) => void) => void
}

/**
 * Where a tap on a notification leads, as a path of the app: Call opens the lead with the call
 * started (the page dials and records the attempt), Open and the body open the lead.
 */
export function notificationTarget(action: string, data: unknown): string {
  const { leadId } = readNotificationData(data)
  if (leadId === null)
    return '/'
  const lead = `/lead/${encodeURIComponent(leadId)}`
  return action === notificationActions.call ? `${lead}?${callQueryFlag}=1` : lead
}

// The window the rep saw last: the focused one, else a visible one, else any.
function pickWindow(windows: readonly AppWindow[]): AppWindow | undefined {
  return windows.find(window => window.focused)
    ?? windows.find(window => window.visibilityState === 'visible')
    ?? windows[0]
}

/**
 * Brings the app to `url`: an open window is focused and navigated there (one app, not a new
 * tab per alert); with none, or one this worker may not navigate, a new window opens.
 */
export async function openAppAt(clients: AppWindows, url: string): Promise<void> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true })
  const existing = pickWindow(windows)
  if (existing) {
    // Focus needs the tap's permission to interact; without it, still take the window to the lead.
    const target = await existing.focus().catch(() => existing)
    try {
      if (await target.navigate(url))
        return
    }
    catch {
      // navigate() rejects for a window this worker does not control (opened before it installed).
    }
  }
  await clients.openWindow(url)
}

/** Answers taps on notifications (the body, Call or Open). */
export function listenForNotificationClicks(worker: ClickScope): void {
  worker.addEventListener('notificationclick', (event) => {
    const click = event as NotificationClickLike
    click.notification.close()
    const url = new URL(notificationTarget(click.action, click.notification.data), worker.registration.scope).href
    click.waitUntil(openAppAt(worker.clients, url))
  })
}
