// The escalator's request: who may run it and which clock a run uses.
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { checkCaller, jwtRole } from '../../../supabase/functions/sla-escalator/caller.ts'
import { parseRunOptions, RunOptionsError } from '../../../supabase/functions/sla-escalator/run-options.ts'

const secret = new TextEncoder().encode('a-secret-that-does-not-matter-here-0123456789')
const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret)

describe('checkCaller', () => {
  it('lets the service role in, by its key or by the role claim', async () => {
    const key = await token({ role: 'service_role', iss: 'supabase' })
    expect(checkCaller(`Bearer ${key}`, key)).toBe('ok')
    expect(checkCaller(`bearer ${await token({ role: 'service_role', sub: 'cron' })}`, key)).toBe('ok')
  })

  it('refuses anon and signed-in users, and asks for a token when there is none', async () => {
    const key = await token({ role: 'service_role' })
    expect(checkCaller(`Bearer ${await token({ role: 'anon' })}`, key)).toBe('forbidden')
    expect(checkCaller(`Bearer ${await token({ role: 'authenticated', sub: 'someone' })}`, key)).toBe('forbidden')
    expect(checkCaller('Bearer not-a-jwt', key)).toBe('forbidden')
    expect(checkCaller(null, key)).toBe('unauthenticated')
    expect(checkCaller('Basic dXNlcjpwYXNz', key)).toBe('unauthenticated')
  })

  it('reads role claims with base64url characters and without padding', async () => {
    // "ü" and "?" make the payload's base64url use '-', '_' and need padding.
    expect(jwtRole(await token({ role: 'service_role', note: 'üü??>>' }))).toBe('service_role')
    expect(jwtRole('a.%%%.c')).toBeNull()
    expect(jwtRole(`x.${Buffer.from('{"role":7}').toString('base64url')}.y`)).toBeNull()
  })
})

describe('parseRunOptions', () => {
  it('uses the real clock without a body, an empty object or a null now', () => {
    expect(parseRunOptions('')).toEqual({ now: null })
    expect(parseRunOptions('{}')).toEqual({ now: null })
    expect(parseRunOptions('{"now": null}')).toEqual({ now: null })
  })

  it('reads an ISO 8601 instant with a zone', () => {
    expect(parseRunOptions('{"now": "2025-01-06T10:00:00-05:00"}').now).toEqual(new Date('2025-01-06T15:00:00Z'))
    expect(parseRunOptions('{"now": "2025-01-06T15:00:00.123Z"}').now).toEqual(new Date('2025-01-06T15:00:00.123Z'))
  })

  it.each([
    ['not json', /must be JSON/],
    ['[]', /must be a JSON object/],
    ['"2025-01-06T15:00:00Z"', /must be a JSON object/],
    ['{"now": "tomorrow"}', /"now" must be an ISO 8601/],
    ['{"now": "2025-01-06 15:00"}', /"now" must be an ISO 8601/],
    ['{"now": "2025-01-06T15:00:00"}', /with a zone/],
    ['{"now": "2025-13-45T15:00:00Z"}', /"now" must be an ISO 8601/],
    ['{"now": 1736175600000}', /got 1736175600000/],
  ])('refuses %s', (body, message) => {
    expect(() => parseRunOptions(body)).toThrow(RunOptionsError)
    expect(() => parseRunOptions(body)).toThrow(message)
  })
})
