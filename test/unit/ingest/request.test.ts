// The ingest function's request handling that needs no database: body reading, content types,
// browsers that want a page, client addresses, CORS origins, rate windows.
import { describe, expect, it } from 'vitest'
import { htmlError, IngestError } from '../../../supabase/functions/ingest-lead/answers.ts'
import { clientIp, wantsHtml } from '../../../supabase/functions/ingest-lead/client.ts'
import { originAllowed } from '../../../supabase/functions/ingest-lead/cors.ts'
import { checkRate, rateWindow } from '../../../supabase/functions/ingest-lead/rate-limit.ts'
import { MAX_BODY_BYTES, readLeadBody } from '../../../supabase/functions/ingest-lead/request-body.ts'
import type { LeadSource } from '../../../supabase/functions/ingest-lead/source-auth.ts'

function post(body: BodyInit | null, headers: Record<string, string>): Request {
  return new Request('http://localhost/functions/v1/ingest-lead', { method: 'POST', body, headers })
}

async function refusal(promise: Promise<unknown>): Promise<IngestError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(IngestError)
  return error as IngestError
}

describe('readLeadBody', () => {
  it('reads JSON, +json media types and form fields', async () => {
    expect(await readLeadBody(post('{"email":"a@b.co"}', { 'content-type': 'application/json; charset=utf-8' }))).toMatchObject({ kind: 'json', value: { email: 'a@b.co' } })
    expect(await readLeadBody(post('{"x":1}', { 'content-type': 'application/vnd.lead+json' }))).toMatchObject({ kind: 'json', value: { x: 1 } })
    const form = await readLeadBody(post('name=Z%C3%B6e&tag=a&tag=b', { 'content-type': 'application/x-www-form-urlencoded' }))
    expect(form.kind).toBe('form')
    expect(form.kind === 'form' && [form.value.get('name'), form.value.getAll('tag')]).toEqual(['Zöe', ['a', 'b']])
  })

  it('refuses other content types (415), bodies over 64 KB (413) and broken JSON or UTF-8 (400)', async () => {
    expect((await refusal(readLeadBody(post('a', { 'content-type': 'text/plain' })))).status).toBe(415)
    expect((await refusal(readLeadBody(post('a', {})))).status).toBe(415)
    expect((await refusal(readLeadBody(post('x'.repeat(MAX_BODY_BYTES + 1), { 'content-type': 'application/json' })))).status).toBe(413)
    expect((await refusal(readLeadBody(post('{"a":', { 'content-type': 'application/json' })))).code).toBe('invalid_json')
    expect((await refusal(readLeadBody(post(new Uint8Array([0x7B, 0xFF, 0x7D]), { 'content-type': 'application/json' })))).message).toMatch(/UTF-8/)
  })

  it('takes a body of exactly 64 KB', async () => {
    const body = JSON.stringify({ message: 'm'.repeat(MAX_BODY_BYTES - 14) })
    expect(new TextEncoder().encode(body).length).toBe(MAX_BODY_BYTES)
    expect((await readLeadBody(post(body, { 'content-type': 'application/json' }))).kind).toBe('json')
  })
})

describe('htmlError', () => {
  it('keeps the status and headers and escapes what the post sent', async () => {
    const error = new IngestError(422, 'invalid_lead', 'Some fields are "wrong"', { '<b>name</b>': 'not <script>' }, { 'retry-after': '3' })
    const response = htmlError(error, { vary: 'Origin' })
    expect(response.status).toBe(422)
    expect(response.headers.get('retry-after')).toBe('3')
    expect(response.headers.get('vary')).toBe('Origin')
    const page = await response.text()
    expect(page).toContain('<li><b>&lt;b&gt;name&lt;/b&gt;</b>: not &lt;script&gt;</li>')
    expect(page).toContain('Some fields are &quot;wrong&quot;')
    expect(page).not.toContain('<script>')
  })
})

describe('wantsHtml', () => {
  const accepting = (accept: string | null) => wantsHtml(new Request('http://localhost', { headers: accept === null ? {} : { accept } }))
  it('is true for a browser navigating with a form, false for API clients', () => {
    expect(accepting('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true)
    expect(accepting('application/json')).toBe(false)
    expect(accepting('*/*')).toBe(false)
    expect(accepting(null)).toBe(false)
    expect(accepting('text/html;q=0.5, application/json')).toBe(false)
    expect(accepting('text/html;q=0')).toBe(false)
  })
})

describe('clientIp', () => {
  const forwarded = (value: string | null, hops = 0) => clientIp(new Request('http://localhost', { headers: value === null ? {} : { 'x-forwarded-for': value } }), hops)
  it('takes the entry the last trusted proxy appended, never one the client could forge', () => {
    expect(forwarded('6.6.6.6, 203.0.113.7')).toBe('203.0.113.7')
    expect(forwarded('6.6.6.6, 203.0.113.7, 10.0.0.2', 1)).toBe('203.0.113.7')
    expect(forwarded('203.0.113.7', 3)).toBe('203.0.113.7')
    expect(forwarded(null)).toBe('unknown')
  })
})

describe('originAllowed', () => {
  it('lets servers (no Origin) post, and browsers only from listed origins', () => {
    expect(originAllowed(null, [])).toBe(true)
    expect(originAllowed('https://shop.example', ['https://shop.example'])).toBe(true)
    expect(originAllowed('https://SHOP.example', ['https://shop.example/'])).toBe(true)
    expect(originAllowed('https://evil.example', ['https://shop.example'])).toBe(false)
    expect(originAllowed('null', ['https://shop.example'])).toBe(false)
    expect(originAllowed('https://any.example', ['*'])).toBe(true)
    expect(originAllowed('https://shop.example', [])).toBe(false)
  })
})

describe('rate limits', () => {
  const source = { rate_limit_per_minute: 5, ip_rate_limit_per_minute: 2 } as LeadSource
  it('counts in one-minute windows and says when the window turns', () => {
    const now = new Date('2026-11-23T10:15:42.300Z')
    expect(rateWindow(now)).toEqual({ start: new Date('2026-11-23T10:15:00.000Z'), retryAfterSeconds: 18 })
    expect(rateWindow(new Date('2026-11-23T10:15:59.999Z')).retryAfterSeconds).toBe(1)
  })

  it('answers 429 with Retry-After past the source limit or the address limit', () => {
    const now = new Date('2026-11-23T10:15:30.000Z')
    expect(() => checkRate({ source, hits: { source: 5, ip: 2 }, replay: null }, now)).not.toThrow()
    for (const hits of [{ source: 6, ip: 1 }, { source: 3, ip: 3 }]) {
      const error = (() => {
        try {
          checkRate({ source, hits, replay: null }, now)
        }
        catch (e) {
          return e as IngestError
        }
        return null
      })()
      expect(error).toMatchObject({ status: 429, code: 'rate_limited', headers: { 'retry-after': '30' } })
    }
  })
})
