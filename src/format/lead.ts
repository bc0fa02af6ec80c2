import type { ScoreFactor } from '@domain/scoring.ts'
import type { ContactChannel, DispositionOutcome, LeadEventRow, LeadRow, LeadStatus, LeadTier, MemberAvailability } from '@/api/types'

/** A write for a lead still waiting in the outbox, or refused by the server. */
export interface PendingWrite {
  id: string
  label: string
  /** Milliseconds since the epoch. */
  at: number
  rejected: boolean
}

/** Leads worth reading before dialing: the Call button waits until the rep has seen the context. */
export const previewScore = 80

export function needsPreview(lead: Pick<LeadRow, 'tier' | 'score'>): boolean {
  return lead.tier === 'HOT' || lead.score >= previewScore
}

/** The best name the lead gave us. */
export function leadName(lead: Pick<LeadRow, 'full_name' | 'first_name' | 'last_name' | 'email' | 'phone'>): string {
  const parts = [lead.first_name, lead.last_name].filter(Boolean).join(' ')
  return lead.full_name?.trim() || parts || lead.email || lead.phone || 'Unnamed lead'
}

export const outcomeLabels: Record<DispositionOutcome, string> = {
  connected: 'Connected',
  no_answer: 'No answer',
  voicemail: 'Left voicemail',
  callback: 'Call back later',
  meeting_booked: 'Meeting booked',
  qualified: 'Qualified',
  not_interested: 'Not interested',
  disqualified: 'Disqualified',
  wrong_number: 'Wrong number',
  bad_number: 'Bad number',
}

export const statusLabels: Record<LeadStatus, string> = {
  new: 'New',
  assigned: 'Assigned',
  attempting: 'Attempting',
  contacted: 'Contacted',
  qualified: 'Qualified',
  converted: 'Converted',
  disqualified: 'Disqualified',
  nurture: 'Nurture',
}

export const tierLabels: Record<LeadTier, string> = { HOT: 'Hot', WARM: 'Warm', COLD: 'Cold' }

export const availabilityLabels: Record<MemberAvailability, string> = {
  on_shift: 'On shift',
  break: 'Break',
  off: 'Off',
}

export const channelLabels: Record<ContactChannel, string> = {
  phone: 'Call',
  sms: 'Text',
  email: 'Email',
  chat: 'Chat',
  video: 'Video',
  in_person: 'In person',
  other: 'Other',
}

const detail = (event: LeadEventRow, key: string): string | undefined => {
  const value = event.details[key]
  return value === undefined || value === null ? undefined : String(value)
}

/** One line for an event of the lead's trail, from the rep's point of view. */
export function describeEvent(event: LeadEventRow, memberId: string | undefined): string {
  const byMe = event.actor_id !== null && event.actor_id === memberId
  switch (event.type) {
    case 'created': return 'Lead came in'
    case 're_engaged': return 'Came back and asked again'
    case 'merged': return 'Merged with a duplicate'
    case 'scored': return `Scored ${detail(event, 'score') ?? ''} (${detail(event, 'tier') ?? ''})`.replace(' ()', '')
    case 'routed': return 'Routed to the team pool'
    case 'assigned': return detail(event, 'to') === memberId ? 'Assigned to you' : 'Assigned'
    case 'reassigned': return detail(event, 'to') === memberId ? 'Reassigned to you' : 'Reassigned'
    case 'unassigned': return 'Unassigned'
    case 'fallback_queued': return 'Waited in the fallback queue'
    case 'reminded': return 'SLA reminder sent'
    case 'breached': return 'SLA missed'
    case 'escalated': return 'Escalated to the manager'
    case 'push_pending':
    case 'push_sent': return 'Alert sent to a phone'
    case 'push_failed': return 'Alert could not be delivered'
    case 'nudged': return 'Nudged'
    case 'contact_attempted': {
      const channel = detail(event, 'channel') as ContactChannel | undefined
      return `${channel ? channelLabels[channel] ?? 'Contact' : 'Contact'} attempt${byMe ? ' by you' : ''}`
    }
    case 'disposition': {
      const outcome = detail(event, 'outcome') as DispositionOutcome | undefined
      return `Outcome: ${outcome ? outcomeLabels[outcome] ?? outcome : 'recorded'}${byMe ? ' (you)' : ''}`
    }
    case 'status_changed': {
      const to = detail(event, 'to') as LeadStatus | undefined
      return `Status: ${to ? statusLabels[to] ?? to : 'changed'}`
    }
    case 'callback_scheduled': return 'Callback scheduled'
    case 'ack_queued': return 'Acknowledgment sent to the lead'
    case 'spam_flagged': return 'Flagged as spam'
    case 'note': return `Note: ${detail(event, 'text') ?? detail(event, 'note') ?? ''}`.trim()
  }
}

/** A reason the lead scored as it did, with the points it added where known. */
export interface ScoreReason {
  text: string
  points: number | null
}

function readReason(reason: unknown): ScoreReason[] {
  if (typeof reason === 'string')
    return reason.trim() ? [{ text: reason.trim(), points: null }] : []
  if (typeof reason !== 'object' || reason === null)
    return []
  // The scorer's factors (`ScoreFactor` of @domain/scoring.ts), or hand-written {label, points}.
  const entry = reason as Partial<ScoreFactor> & Record<string, unknown>
  const text = [entry.reason, entry.label, entry.text, entry.rule].find((value): value is string => typeof value === 'string' && value.trim() !== '')
  const points = typeof entry.points === 'number' ? entry.points : typeof entry.weight === 'number' ? entry.weight : null
  if (!text)
    return []
  // "VP title +20" already carries its points; they are shown in their own column.
  return [{ text: points === null ? text.trim() : text.replace(/\s[+-]\d+$/, '').trim(), points }]
}

/**
 * Reads `leads.score_explanation`. Tolerant by design: the scorer's list of factors (as an array
 * or under `factors`/`reasons`/`explanation`), plain strings, and older rows with only fit/intent totals.
 */
export function scoreReasons(explanation: unknown): ScoreReason[] {
  if (Array.isArray(explanation))
    return explanation.flatMap(readReason)
  if (typeof explanation !== 'object' || explanation === null)
    return []
  const record = explanation as Record<string, unknown>
  const list = [record.factors, record.reasons, record.explanation].find(Array.isArray)
  const read = (list ?? []).flatMap(readReason)
  if (read.length > 0)
    return read
  return (['fit', 'intent'] as const).flatMap(part =>
    typeof record[part] === 'number' ? [{ text: part === 'fit' ? 'Fit with your ideal customer' : 'Buying intent', points: record[part] as number }] : [])
}
