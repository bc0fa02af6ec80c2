import { describe, expect, it } from 'vitest'
import { MAX_PUSH_TTL_SECONDS, pushTopic, pushTtlSeconds, pushUrgency } from '../../../supabase/functions/_shared/push/delivery-options.ts'
import { testPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'
import type { LeadPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'
import {
  backoffDelayMs,
  defaultRetryPolicy,
  nextRetryDelayMs,
  parseRetryAfter,
} from '../../../supabase/functions/_shared/push/retry-policy.ts'

const lead: LeadPushPayload = {
  kind: 'hot_lead',
  leadId: '6f1c2a4e-8b7d-4c3a-9e21-0a5b6c7d8e9f',
  name: 'Dana Whitfield',
  company: null,
  tier: 'HOT',
  source: 'Website form',
  waitingSince: '2026-03-02T14:00:00.000Z',
  phone: null,
}
const now = Date.parse('2026-03-02T14:00:00.000Z')

describe('pushTtlSeconds', () => {
  it('lasts until the SLA is due', () => {
    expect(pushTtlSeconds('2026-03-02T14:05:00.000Z', now)).toBe(300)
  })

  it('is capped far below web-push\'s four-week default', () => {
    expect(pushTtlSeconds('2026-03-09T14:00:00.000Z', now)).toBe(MAX_PUSH_TTL_SECONDS)
    expect(pushTtlSeconds(null, now)).toBe(MAX_PUSH_TTL_SECONDS)
    expect(MAX_PUSH_TTL_SECONDS).toBeLessThan(2_419_200)
  })

  it('is 0 once the SLA has passed: deliver now or never', () => {
    expect(pushTtlSeconds('2026-03-02T13:00:00.000Z', now)).toBe(0)
  })

  it('refuses an unreadable due time', () => {
    expect(() => pushTtlSeconds('soon', now)).toThrow(RangeError)
  })
})

describe('pushUrgency and pushTopic', () => {
  it('is high for HOT leads only', () => {
    expect(pushUrgency(lead)).toBe('high')
    expect(pushUrgency({ ...lead, kind: 'escalation' })).toBe('high')
    expect(pushUrgency({ ...lead, kind: 'warm_lead', tier: 'WARM' })).toBe('normal')
    expect(pushUrgency(testPushPayload(new Date(now)))).toBe('normal')
  })

  it('uses the lead id without dashes: 32 URL-safe characters, the most RFC 8030 allows', () => {
    expect(pushTopic(lead)).toBe('6f1c2a4e8b7d4c3a9e210a5b6c7d8e9f')
    expect(pushTopic({ ...lead, leadId: 'a.b/c+d='.repeat(10) })).toMatch(/^[A-Za-z0-9_-]{1,32}$/)
    expect(pushTopic(testPushPayload(new Date(now)))).toBe('pronto-test')
  })
})

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000)
    expect(parseRetryAfter(new Date(now - 7000).toUTCString(), now)).toBe(0)
    expect(parseRetryAfter(['2', '9'], now)).toBe(2000)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(undefined, now)).toBeNull()
  })

  it('backs off exponentially up to the cap', () => {
    const delays = [1, 2, 3, 4, 5].map(attempt => backoffDelayMs(attempt, defaultRetryPolicy))
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000])
  })

  it('waits at least as long as the server asks', () => {
    expect(nextRetryDelayMs(1, 3000, 0, defaultRetryPolicy)).toBe(3000)
    expect(nextRetryDelayMs(1, 0, 0, defaultRetryPolicy)).toBe(500)
  })

  it('stops when attempts or the time budget run out', () => {
    expect(nextRetryDelayMs(defaultRetryPolicy.maxAttempts, null, 0, defaultRetryPolicy)).toBeNull()
    expect(nextRetryDelayMs(1, 60_000, 0, defaultRetryPolicy)).toBeNull()
    expect(nextRetryDelayMs(2, null, defaultRetryPolicy.maxTotalMs - 500, defaultRetryPolicy)).toBeNull()
  })
})
