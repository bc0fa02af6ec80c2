import { describe, expect, it } from 'vitest'
import type { LeadEventRow } from '@/api/types'
import { describeEvent, leadName, needsPreview, scoreReasons } from '@/format/lead'
import { formatCountdown, formatDuration } from '@/format/time'

describe('score reasons', () => {
  it('reads the scorer\'s factors, without repeating their points', () => {
    expect(scoreReasons([{ factor: 'title', points: 20, reason: 'VP title +20' }, { factor: 'recency', points: -5, reason: 'Old -5' }]))
      .toEqual([{ text: 'VP title', points: 20 }, { text: 'Old', points: -5 }])
    expect(scoreReasons({ factors: [{ factor: 'form_type', points: 25, reason: 'Demo request +25' }] }))
      .toEqual([{ text: 'Demo request', points: 25 }])
  })

  it('reads plain strings, and falls back to the fit/intent totals', () => {
    expect(scoreReasons({ fit: 44, intent: 44, reasons: ['seeded demo lead'] })).toEqual([{ text: 'seeded demo lead', points: null }])
    expect(scoreReasons({ fit: 30, intent: 12 })).toEqual([
      { text: 'Fit with your ideal customer', points: 30 },
      { text: 'Buying intent', points: 12 },
    ])
    expect(scoreReasons({})).toEqual([])
    expect(scoreReasons(null)).toEqual([])
    expect(scoreReasons({ reasons: [42, { nothing: true }, ' '] })).toEqual([])
  })
})

describe('lead wording', () => {
  it('names a lead by the best thing it gave', () => {
    const none = { full_name: null, first_name: null, last_name: null, email: null, phone: null }
    expect(leadName({ ...none, full_name: 'Priya Nair' })).toBe('Priya Nair')
    expect(leadName({ ...none, first_name: 'Priya' })).toBe('Priya')
    expect(leadName({ ...none, phone: '+14155550123' })).toBe('+14155550123')
    expect(leadName(none)).toBe('Unnamed lead')
  })

  it('previews hot and high-scoring leads before the call', () => {
    expect(needsPreview({ tier: 'HOT', score: 10 })).toBe(true)
    expect(needsPreview({ tier: 'COLD', score: 80 })).toBe(true)
    expect(needsPreview({ tier: 'WARM', score: 79 })).toBe(false)
  })

  it('describes events from the rep\'s point of view', () => {
    const event = (type: LeadEventRow['type'], details: LeadEventRow['details'], actor: string | null = null): LeadEventRow =>
      ({ id: 1, lead_id: 'l', type, actor_id: actor, occurred_at: '2026-11-23T10:00:00Z', details })
    expect(describeEvent(event('assigned', { to: 'me' }), 'me')).toBe('Assigned to you')
    expect(describeEvent(event('disposition', { outcome: 'no_answer' }, 'me'), 'me')).toBe('Outcome: No answer (you)')
    expect(describeEvent(event('contact_attempted', { channel: 'sms' }), 'me')).toBe('Text attempt')
    expect(describeEvent(event('status_changed', { from: 'assigned', to: 'attempting' }), 'me')).toBe('Status: Attempting')
    expect(describeEvent(event('scored', { score: 88, tier: 'HOT' }), 'me')).toBe('Scored 88 (HOT)')
  })
})

describe('times', () => {
  it('reads at a glance', () => {
    expect(formatDuration(42_000)).toBe('42 s')
    expect(formatDuration(12 * 60_000)).toBe('12 min')
    expect(formatDuration(125 * 60_000)).toBe('2 h 5 min')
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h')
    expect(formatCountdown(249_000)).toBe('4:09')
    expect(formatCountdown(3_723_000)).toBe('1:02:03')
    expect(formatCountdown(-61_000)).toBe('1:01')
  })
})
