// The one push payload shared by the sender (edge functions) and the service worker.
// Pure: no Deno, Node or DOM APIs beyond TextEncoder, so every runtime can import it.

export const leadPushKinds = ['hot_lead', 'warm_lead', 'sla_reminder', 'reassigned', 'escalation', 'nudge', 'test'] as const
export type LeadPushKind = typeof leadPushKinds[number]

// Same values as the database enum public.lead_tier.
export const leadTiers = ['HOT', 'WARM', 'COLD'] as const
export type LeadTier = typeof leadTiers[number]

/** What a push message about a lead carries; enough to show it and to call without a network round trip. */
export interface LeadPushPayload {
  kind: LeadPushKind
  /** The lead's id; null only for kind 'test', which is about no lead. */
  leadId: string | null
  name: string
  company: string | null
  tier: LeadTier
  /** Human label of where the lead came from, e.g. "Website form". */
  source: string
  /** ISO timestamp of when the lead started waiting for a first response. */
  waitingSince: string
  /** E.164, or null when the lead left no usable phone number. */
  phone: string | null
}

/**
 * Push services accept at most 4096 bytes of encrypted body. aes128gcm adds an 86-byte header
 * (salt, record size, key id = the sender's 65-byte public key), a 1-byte padding delimiter and a
 * 16-byte tag, so this is what is left for the JSON.
 */
export const MAX_PUSH_PAYLOAD_BYTES = 4096 - 86 - 1 - 16

/** Free-text fields are cut to these lengths (in code points) before sending; a notification shows less anyway. */
export const pushFieldLimits = { name: 80, company: 80, source: 60 } as const

const ellipsis = '…'
const e164 = /^\+[1-9]\d{1,14}$/
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/** Cuts text to `max` code points (never splitting a surrogate pair), marking the cut with an ellipsis. */
export function truncateText(text: string, max: number): string {
  const codePoints = Array.from(text.trim())
  if (codePoints.length <= max)
    return codePoints.join('')
  return codePoints.slice(0, Math.max(0, max - 1)).join('').trimEnd() + ellipsis
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length
}

/** Returns the payload with its free-text fields cut to `pushFieldLimits`. */
export function limitPushPayload(payload: LeadPushPayload): LeadPushPayload {
  return {
    ...payload,
    name: truncateText(payload.name, pushFieldLimits.name),
    company: payload.company == null ? null : truncateText(payload.company, pushFieldLimits.company),
    source: truncateText(payload.source, pushFieldLimits.source),
  }
}

/**
 * Serializes a payload for sending: free-text fields cut to `pushFieldLimits`, the whole checked
 * against MAX_PUSH_PAYLOAD_BYTES. With those limits even text that escapes to six bytes a character
 * fits, so the check only fails for oversized fixed fields (a malformed lead id), a bug worth throwing for.
 */
export function encodeLeadPushPayload(payload: LeadPushPayload): string {
  const json = JSON.stringify(limitPushPayload(payload))
  const bytes = utf8Length(json)
  if (bytes > MAX_PUSH_PAYLOAD_BYTES)
    throw new RangeError(`push payload is ${bytes} bytes, over the ${MAX_PUSH_PAYLOAD_BYTES}-byte limit`)
  return json
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

/** Narrows decoded push data (e.g. `event.data.json()` in the worker) to a payload; null when it is not one. */
export function parseLeadPushPayload(data: unknown): LeadPushPayload | null {
  if (typeof data !== 'object' || data === null)
    return null
  const d = data as Record<string, unknown>
  const kind = d.kind as LeadPushKind
  const tier = d.tier as LeadTier
  if (!leadPushKinds.includes(kind) || !leadTiers.includes(tier))
    return null
  const leadIdOk = kind === 'test' ? d.leadId === null : isString(d.leadId) && d.leadId.length > 0
  if (!leadIdOk || !isString(d.name) || !isString(d.source))
    return null
  if (d.company !== null && !isString(d.company))
    return null
  if (d.phone !== null && !(isString(d.phone) && e164.test(d.phone)))
    return null
  if (!isString(d.waitingSince) || !isoTimestamp.test(d.waitingSince) || Number.isNaN(Date.parse(d.waitingSince)))
    return null
  return {
    kind,
    leadId: d.leadId as string | null,
    name: d.name,
    company: d.company as string | null,
    tier,
    source: d.source,
    waitingSince: d.waitingSince,
    phone: d.phone as string | null,
  }
}

/** The payload the "send a test notification" button delivers. */
export function testPushPayload(now: Date): LeadPushPayload {
  return {
    kind: 'test',
    leadId: null,
    name: 'Pronto',
    company: null,
    tier: 'HOT',
    source: 'Test notification',
    waitingSince: now.toISOString(),
    phone: null,
  }
}

/** "<1 min", "4 min", "2 h 5 min", "3 d 4 h": how long the lead has waited. */
export function formatWaiting(sinceIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(sinceIso)) / 60_000))
  if (minutes < 1)
    return '<1 min'
  if (minutes < 60)
    return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 24)
    return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
  const days = Math.floor(hours / 24)
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`
}

/** Notification title: what happened and who. */
export function pushTitle(payload: LeadPushPayload): string {
  switch (payload.kind) {
    case 'hot_lead': return `Hot lead: ${payload.name}`
    case 'warm_lead': return `Warm lead: ${payload.name}`
    case 'sla_reminder': return `Still waiting: ${payload.name}`
    case 'reassigned': return `Reassigned to you: ${payload.name}`
    case 'escalation': return `No response yet: ${payload.name}`
    case 'nudge': return `Follow up: ${payload.name}`
    case 'test': return 'Pronto notifications are on'
  }
}

/** Notification body: company, source and waiting time, e.g. "Acme · Website form · waiting 4 min". */
export function pushBody(payload: LeadPushPayload, now: Date): string {
  if (payload.kind === 'test')
    return 'Hot leads will show up like this. Tap Call to ring them at once.'
  const parts = [payload.company, payload.source, `waiting ${formatWaiting(payload.waitingSince, now)}`]
  return parts.filter((part): part is string => part != null && part !== '').join(' · ')
}
