import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MAX_PUSH_PAYLOAD_BYTES,
  encodeLeadPushPayload,
  formatWaiting,
  leadPushKinds,
  parseLeadPushPayload,
  pushBody,
  pushFieldLimits,
  pushTitle,
  testPushPayload,
  truncateText,
} from '../../../supabase/functions/_shared/push/payload.ts'
import type { LeadPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'

const lead: LeadPushPayload = {
  kind: 'hot_lead',
  leadId: '6f1c2a4e-8b7d-4c3a-9e21-0a5b6c7d8e9f',
  name: 'Dana Whitfield',
  company: 'Northwind Traders',
  tier: 'HOT',
  source: 'Website form',
  waitingSince: '2026-03-02T14:00:00.000Z',
  phone: '+14155550123',
}

const byteLength = (text: string) => new TextEncoder().encode(text).length

describe('encodeLeadPushPayload', () => {
  it('round-trips an ordinary payload unchanged', () => {
    expect(parseLeadPushPayload(JSON.parse(encodeLeadPushPayload(lead)))).toEqual(lead)
  })

  it('cuts long free-text fields to their limits, marking the cut', () => {
    const decoded = JSON.parse(encodeLeadPushPayload({ ...lead, name: 'N'.repeat(500), company: 'C'.repeat(500), source: 'S'.repeat(500) })) as LeadPushPayload
    expect(Array.from(decoded.name)).toHaveLength(pushFieldLimits.name)
    expect(decoded.name.endsWith('…')).toBe(true)
    expect(Array.from(decoded.company ?? '')).toHaveLength(pushFieldLimits.company)
    expect(Array.from(decoded.source)).toHaveLength(pushFieldLimits.source)
    expect(decoded.leadId).toBe(lead.leadId)
    expect(decoded.phone).toBe(lead.phone)
  })

  it('never splits a surrogate pair when cutting', () => {
    const cut = truncateText('😀'.repeat(100), 10)
    expect(Array.from(cut)).toHaveLength(10)
    expect(cut).toBe(`${'😀'.repeat(9)}…`)
  })

  it('stays under the push size limit whatever the text (JSON escaping included)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 1000 })
    fc.assert(fc.property(text, text, text, (name, company, source) => {
      const json = encodeLeadPushPayload({ ...lead, name, company, source })
      expect(byteLength(json)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES)
      const decoded = JSON.parse(json) as LeadPushPayload
      expect(decoded.leadId).toBe(lead.leadId)
      expect(decoded.phone).toBe(lead.phone)
    }), { numRuns: 100 })
  })

  it('fits even when every character escapes to six bytes', () => {
    // A control character becomes a \u00XX escape in JSON.
    const control = '\u0001'.repeat(5000)
    const json = encodeLeadPushPayload({ ...lead, name: control, company: control, source: control })
    expect(byteLength(json)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES)
  })

  it('refuses a payload whose fixed fields alone are too big', () => {
    expect(() => encodeLeadPushPayload({ ...lead, leadId: 'x'.repeat(5000) })).toThrow(RangeError)
  })
})

describe('parseLeadPushPayload', () => {
  it('accepts every kind', () => {
    for (const kind of leadPushKinds) {
      const payload = kind === 'test' ? testPushPayload(new Date()) : { ...lead, kind }
      expect(parseLeadPushPayload(payload)).toEqual(payload)
    }
  })

  it.each([
    ['not an object', 'hello'],
    ['unknown kind', { ...lead, kind: 'spam' }],
    ['lowercase tier', { ...lead, tier: 'hot' }],
    ['missing lead id', { ...lead, leadId: null }],
    ['phone not E.164', { ...lead, phone: '415-555-0123' }],
    ['waitingSince not a timestamp', { ...lead, waitingSince: 'yesterday' }],
    ['company a number', { ...lead, company: 42 }],
    ['test with a lead id', { ...testPushPayload(new Date()), leadId: lead.leadId }],
  ])('rejects %s', (_label, data) => {
    expect(parseLeadPushPayload(data)).toBeNull()
  })
})

describe('notification text', () => {
  const now = new Date('2026-03-02T14:04:30.000Z')

  it('titles say what happened and who', () => {
    expect(pushTitle(lead)).toBe('Hot lead: Dana Whitfield')
    expect(pushTitle({ ...lead, kind: 'reassigned' })).toBe('Reassigned to you: Dana Whitfield')
    expect(pushTitle({ ...lead, kind: 'escalation' })).toBe('No response yet: Dana Whitfield')
    expect(pushTitle(testPushPayload(now))).toBe('Pronto notifications are on')
  })

  it('the body gives company, source and waiting time', () => {
    expect(pushBody(lead, now)).toBe('Northwind Traders · Website form · waiting 4 min')
    expect(pushBody({ ...lead, company: null }, now)).toBe('Website form · waiting 4 min')
  })

  it.each([
    ['2026-03-02T14:04:00.000Z', '<1 min'],
    ['2026-03-02T13:04:30.000Z', '1 h'],
    ['2026-03-02T11:59:30.000Z', '2 h 5 min'],
    ['2026-02-27T10:04:30.000Z', '3 d 4 h'],
    // A device clock ahead of the server's must not show a negative wait.
    ['2026-03-02T15:00:00.000Z', '<1 min'],
  ])('waiting since %s reads %s', (since, expected) => {
    expect(formatWaiting(since, now)).toBe(expected)
  })
})
