// What a push about a lead looks like on the phone. Shared by the service worker (push handler)
// and the app (test notification), so both show exactly the same thing. Compiled with both the
// DOM and the WebWorker libraries: no globals of either beyond NotificationOptions.
import { parseLeadPushPayload, pushBody, pushTitle } from '../../supabase/functions/_shared/push/payload'
import type { LeadPushPayload } from '../../supabase/functions/_shared/push/payload'
import { notificationActions, notificationTags } from './constants'

/** What the click handler reads back from `notification.data`. */
export interface LeadNotificationData {
  leadId: string | null
  /** E.164, so Call can dial without a network round trip. */
  phone: string | null
}

/** One button on a notification. */
export interface NotificationAction {
  action: string
  title: string
}

/** NotificationOptions plus what browsers show but TypeScript's libraries leave out. */
export interface LeadNotificationOptions extends NotificationOptions {
  actions?: NotificationAction[]
  /** Buzz again when replacing a notification with the same tag (an SLA reminder about the same lead). */
  renotify?: boolean
  /** When the lead started waiting, so the shade sorts and labels it by that. */
  timestamp?: number
  data: LeadNotificationData
}

export interface LeadNotification {
  title: string
  options: LeadNotificationOptions
}

const icon = '/pwa-192x192.png'

/** The notification for a valid payload: summary, one tag per lead, Call and Open, sticky when HOT. */
export function leadNotification(payload: LeadPushPayload, now: Date): LeadNotification {
  const aboutLead = payload.leadId !== null
  const actions: NotificationAction[] = []
  if (aboutLead && payload.phone !== null)
    actions.push({ action: notificationActions.call, title: 'Call' })
  if (aboutLead)
    actions.push({ action: notificationActions.open, title: 'Open' })
  return {
    title: pushTitle(payload),
    options: {
      body: pushBody(payload, now),
      icon,
      lang: 'en',
      tag: payload.leadId !== null ? notificationTags.lead(payload.leadId) : notificationTags.test,
      renotify: true,
      // A HOT lead stays on screen until the rep acts on it; a test or a WARM lead may time out.
      requireInteraction: aboutLead && payload.tier === 'HOT',
      timestamp: Date.parse(payload.waitingSince),
      actions,
      data: { leadId: payload.leadId, phone: payload.phone },
    },
  }
}

/**
 * Shown when a push cannot be read (a sender of another version, a corrupted message). A push
 * must always show something, and a rep is better told to look than told nothing.
 */
export function genericNotification(): LeadNotification {
  return {
    title: 'New activity',
    options: {
      body: 'Open Pronto to see what changed.',
      icon,
      lang: 'en',
      tag: notificationTags.activity,
      renotify: true,
      data: { leadId: null, phone: null },
    },
  }
}

/** The notification for whatever a push carried (already JSON-decoded, or null when it was not JSON). */
export function notificationForPush(data: unknown, now: Date): LeadNotification {
  const payload = parseLeadPushPayload(data)
  return payload ? leadNotification(payload, now) : genericNotification()
}

/** Narrows `notification.data` back to what leadNotification stored; nothing usable when it is not ours. */
export function readNotificationData(data: unknown): LeadNotificationData {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>
  return {
    leadId: typeof d.leadId === 'string' && d.leadId !== '' ? d.leadId : null,
    phone: typeof d.phone === 'string' && d.phone !== '' ? d.phone : null,
  }
}
