import type { AgingBucket, MetricsDimension, MetricsPeriod } from '@/api/manager'

const dash = '–'

/** Minutes for reading at a glance: "40 s", "2.5 min", "12 min", "1 h 5 min", "2 d 3 h"; a dash when unknown. */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes))
    return dash
  if (minutes < 1)
    return `${Math.round(minutes * 60)} s`
  if (minutes < 10)
    return `${Number(minutes.toFixed(1))} min`
  if (minutes < 60)
    return `${Math.round(minutes)} min`
  const total = Math.round(minutes)
  if (total < 1440) {
    const rest = total % 60
    return `${Math.floor(total / 60)} h${rest ? ` ${rest} min` : ''}`
  }
  const hours = Math.floor((total % 1440) / 60)
  return `${Math.floor(total / 1440)} d${hours ? ` ${hours} h` : ''}`
}

/** A fraction as a whole percentage ("87%"); a dash when nothing counted. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined || Number.isNaN(rate) ? dash : `${Math.round(rate * 100)}%`
}

/** A ratio with at most one decimal ("1.5"); a dash when unknown. */
export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? dash : String(Number(value.toFixed(1)))
}

export const periodLabels: Record<MetricsPeriod, string> = {
  'today': 'Today',
  '7d': '7 days',
  '30d': '30 days',
}

export const dimensionLabels: Record<MetricsDimension, string> = {
  rep: 'Rep',
  source: 'Source',
  channel: 'Channel',
  tier: 'Tier',
}

export const agingLabels: Record<AgingBucket['bucket'], string> = {
  '<1h': 'Under 1 hour',
  '1-4h': '1 to 4 hours',
  '4-24h': '4 to 24 hours',
  '1-3d': '1 to 3 days',
  '>3d': 'Over 3 days',
}

const channelNames: Record<string, string> = {
  web_form: 'Web form',
  phone: 'Phone',
  email: 'Email',
  event: 'Event',
  chat: 'Chat',
  third_party: 'Partner',
  ad: 'Ads',
}
const tierNames: Record<string, string> = { HOT: 'Hot', WARM: 'Warm', COLD: 'Cold' }

/** How a group of the metrics is named on screen (the server names reps and sources already). */
export function groupLabel(dimension: MetricsDimension, label: string): string {
  if (dimension === 'channel')
    return channelNames[label] ?? label
  if (dimension === 'tier')
    return tierNames[label] ?? label
  return label
}

/**
 * How much of an SLA window is left at `now` (1 = all of it, 0 = due, negative = overdue), from
 * the window sla_due_at - sla_started_at.
 */
export function windowLeft(startedAt: string | null, dueAt: string | null, now: number): number | null {
  if (!startedAt || !dueAt)
    return null
  const due = Date.parse(dueAt)
  const span = due - Date.parse(startedAt)
  return span > 0 ? (due - now) / span : null
}
