// Whatever the public endpoint is sent, it answers with a defined 2xx/3xx/4xx and never stores a
// half-written lead: about 2000 generated posts (random JSON values, form fields, content types,
// huge and odd Unicode strings, prototype keys), then every stored lead is checked for wholeness.
import fc from 'fast-check'
import type pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { createIngestOrg, ingestUrl } from './support.ts'

let sql: pg.Client
let org: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  org = await createIngestOrg(sql, 'fuzz', { reps: 4 })
})
afterAll(async () => {
  await sql.end()
})

const definedStatuses = new Set([200, 201, 303, 400, 401, 403, 409, 413, 415, 422, 429])

const fieldNames = fc.constantFrom(
  'email', 'Email Address', 'phone', 'tel', 'name', 'first_name', 'lastName', 'company', 'title', 'website', 'domain',
  'country', 'state', 'language', 'product_interest', 'message', 'consent', 'utm', 'utm_source', '_gotcha',
  'website_url_confirm', 'source_key', '__proto__', 'constructor', 'prototype', 'company_size', 'pages_visited', 'form_type',
  '', ' ', 'x'.repeat(300),
)
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u0000', '\uD800', '\uDFFF x', '\u202Eevil', 'Zoë Ångström', '李小龙', '😀👩‍👩‍👧', 'a@b', ' ', '\r\n'),
  fc.tuple(fc.constantFrom('a', 'é', '😀', '\u0000', '\uD800', ' '), fc.integer({ min: 200, max: 30_000 })).map(([char, n]) => char.repeat(n)),
)
// Real-looking contacts from a small pool, so duplicates (and merges) happen.
const email = fc.tuple(fc.constantFrom('ana', 'bo', 'cy', 'dee'), fc.constantFrom('fuzz.example', 'Acme.example', 'mail.example')).map(([user, host]) => `${user}@${host}`)
const phone = fc.constantFrom('+1 415 555 0101', '(212) 555-0102', '+44 20 7946 0103', '555', '+999999')
const value = fc.oneof(oddText, email, phone, fc.jsonValue({ maxDepth: 3 }), fc.boolean(), fc.double(), fc.constantFrom(null, [], {}, ['a', 'b']))
const fields = fc.array(fc.tuple(fieldNames, value), { maxLength: 12 })

function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  for (const [key, item] of entries)
    Object.defineProperty(record, key, { value: item, enumerable: true, writable: true, configurable: true })
  return record
}

interface Post {
  contentType: string | null
  body: string | Uint8Array
  key: 'header' | 'field' | 'wrong' | 'none'
}

const post: fc.Arbitrary<Post> = fc.oneof(
  // A lead-shaped JSON object.
  fc.record({ entries: fields, key: fc.constantFrom('header', 'header', 'field', 'wrong', 'none') as fc.Arbitrary<Post['key']> })
    .map(({ entries, key }) => ({ contentType: 'application/json', body: JSON.stringify(objectOf(key === 'field' ? [...entries, ['source_key', '{key}']] : entries)), key })),
  // Any JSON value at all, deep nesting included.
  fc.record({ json: fc.jsonValue({ maxDepth: 6 }), contentType: fc.constantFrom('application/json', 'application/vnd.lead+json; charset=utf-8') })
    .map(({ json, contentType }) => ({ contentType, body: JSON.stringify(json) ?? 'null', key: 'header' as const })),
  fc.integer({ min: 100, max: 3000 }).map(depth => ({ contentType: 'application/json', body: `${'['.repeat(depth)}${']'.repeat(depth)}`, key: 'header' as const })),
  // Form fields, repeated names included.
  fc.record({ entries: fc.array(fc.tuple(fieldNames, fc.oneof(oddText, email, phone)), { maxLength: 12 }), key: fc.constantFrom('header', 'field', 'none') as fc.Arbitrary<Post['key']> })
    .map(({ entries, key }) => {
      const params = new URLSearchParams()
      for (const [name, text] of entries) params.append(name, text)
      if (key === 'field')
        params.append('source_key', '{key}')
      return { contentType: 'application/x-www-form-urlencoded', body: params.toString(), key }
    }),
  // Raw text and bytes under any content type.
  fc.record({
    body: fc.oneof(oddText, fc.uint8Array({ maxLength: 200 })),
    contentType: fc.oneof(
      fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'text/html', ''),
      fc.string({ maxLength: 30 }),
    ),
  }).map(({ body, contentType }) => ({ contentType, body, key: 'header' as const })),
  // Over the size limit.
  fc.integer({ min: 64 * 1024 - 50, max: 80 * 1024 }).map(size => ({ contentType: 'application/json', body: JSON.stringify({ email: 'big@fuzz.example', message: 'm'.repeat(size) }), key: 'header' as const })),
)

const answered: Array<{ status: number, leadId: string | null }> = []

async function send(request: Post): Promise<void> {
  const headers: Record<string, string> = {}
  if (request.contentType !== null)
    headers['content-type'] = request.contentType
  if (request.key === 'header')
    headers['x-source-key'] = org.sourceKey
  if (request.key === 'wrong')
    headers['x-source-key'] = 'wrong-key'
  const body = typeof request.body === 'string' ? request.body.replace('{key}', org.sourceKey) : new Blob([new Uint8Array(request.body)])
  const response = await fetch(ingestUrl(), { method: 'POST', headers, body, redirect: 'manual' })
  const text = await response.text()
  if (!definedStatuses.has(response.status))
    throw new Error(`answered ${response.status} ${text.slice(0, 300)} to ${request.contentType} ${String(request.body).slice(0, 300)}`)
  let leadId: string | null = null
  if (response.status === 200 || response.status === 201) {
    leadId = (JSON.parse(text) as { lead_id: string }).lead_id
    expect(leadId).toMatch(/^[0-9a-f-]{36}$/)
  }
  else if (response.status !== 303) {
    expect((JSON.parse(text) as { error: { code: string } }).error.code).toEqual(expect.any(String))
  }
  answered.push({ status: response.status, leadId })
}

it('answers ~2000 generated posts without a 5xx and leaves only whole leads', { timeout: 180_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(post, { minLength: 8, maxLength: 8 }), async (batch) => {
      await Promise.all(batch.map(send))
    }),
    { numRuns: 250, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
  )
  expect(answered.length).toBeGreaterThanOrEqual(2000)
  expect(answered.some(answer => answer.status === 201)).toBe(true)
  expect(answered.some(answer => answer.status === 422)).toBe(true)

  const { rows: leads } = await sql.query<{
    id: string, is_spam: boolean, assigned_to: string | null, in_fallback_queue: boolean, status: string, sla_state: string,
    sla_due_at: Date | null, created: number, scored: number, routed: number, spam_flagged: number, acks: number, email: string | null, phone: string | null
  }>(`
    select l.id, l.is_spam, l.assigned_to, l.in_fallback_queue, l.status, l.sla_state, l.sla_due_at, l.email, l.phone,
           count(*) filter (where e.type = 'created')::int as created,
           count(*) filter (where e.type = 'scored')::int as scored,
           count(*) filter (where e.type in ('assigned', 'reassigned', 'fallback_queued'))::int as routed,
           count(*) filter (where e.type = 'spam_flagged')::int as spam_flagged,
           (select count(*)::int from public.outbound_messages m where m.lead_id = l.id) as acks
    from public.leads l left join public.lead_events e on e.lead_id = l.id
    where l.source_id = $1
    group by l.id`, [org.sourceId])

  // Every lead answered exists, and every stored lead was answered as created.
  const stored = new Set(leads.map(lead => lead.id))
  for (const answer of answered.filter(a => a.leadId !== null))
    expect(stored.has(answer.leadId!)).toBe(true)
  expect(new Set(answered.filter(a => a.status === 201).map(a => a.leadId))).toEqual(stored)

  for (const lead of leads) {
    expect(lead.created).toBe(1)
    if (lead.is_spam) {
      expect(lead).toMatchObject({ assigned_to: null, sla_state: 'none', spam_flagged: 1, routed: 0, acks: 0 })
      continue
    }
    expect(lead.email !== null || lead.phone !== null).toBe(true)
    expect(lead).toMatchObject({ scored: 1, sla_state: 'running', assigned_to: expect.any(String) })
    expect(lead.sla_due_at).toBeInstanceOf(Date)
    expect(lead.routed).toBeGreaterThanOrEqual(1)
    expect(lead.acks).toBeGreaterThanOrEqual(1)
    if (!lead.in_fallback_queue)
      expect(lead.status).toBe('assigned')
  }
})
