// POST /functions/v1/ingest-lead through the stack, as web forms, landing pages and webhooks post:
// what a new lead is answered and what it leaves in the database, and every error answer.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonClient, sqlClient } from '../../support/clients.ts'
import type { OrgFixture } from '../database/fixture.ts'
import type { ErrorAnswer, IngestAnswer } from './support.ts'
import { allowedOrigin, createIngestOrg, eventsOf, ingestUrl, postLead, thankYouUrl, uniqueEmail } from './support.ts'

let sql: pg.Client
let org: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  org = await createIngestOrg(sql, 'answers')
})
afterAll(async () => {
  await sql.end()
})

async function leadRow(id: string): Promise<Record<string, unknown>> {
  const { rows } = await sql.query('select * from public.leads where id = $1', [id])
  return rows[0]
}

async function expectError(response: Response, status: number, code: string): Promise<ErrorAnswer['error']> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = await response.json() as ErrorAnswer
  expect(body.error.code).toBe(code)
  expect(body.error.message).toEqual(expect.any(String))
  return body.error
}

/** Rate-limit windows turn on the minute: start a counting test with time to spare in this one. */
async function awayFromMinuteBoundary(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < 8_000)
    await new Promise(resolve => setTimeout(resolve, left + 100))
}

describe('a new lead', () => {
  it('is answered 201 with its owner and SLA due time, stored, scored, assigned, clocked and acknowledged', async () => {
    const email = uniqueEmail('ada')
    const before = Date.now()
    const response = await postLead({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: `  ${email.toUpperCase()} `,
      phone: '(415) 555-0199',
      company: 'Analytical Engines',
      title: 'VP Engineering',
      form_type: 'Demo request',
      company_size: '500',
      utm_source: 'google',
      favourite_colour: 'teal',
    }, { key: org.sourceKey })
    expect(response.status).toBe(201)
    const answer = await response.json() as IngestAnswer
    expect(answer).toEqual({ lead_id: expect.any(String), status: 'assigned', assigned_to: expect.any(String), sla_due_at: expect.any(String) })
    expect(org.reps.map(rep => rep.id)).toContain(answer.assigned_to)

    const lead = await leadRow(answer.lead_id)
    expect(lead).toMatchObject({
      org_id: org.orgId,
      source_id: org.sourceId,
      team_id: org.teamId,
      email,
      phone: '+14155550199',
      full_name: 'Ada Lovelace',
      tier: 'HOT',
      status: 'assigned',
      assigned_to: answer.assigned_to,
      sla_state: 'running',
      sla_policy_id: org.policies.HOT,
      in_fallback_queue: false,
      is_spam: false,
      dedupe_email: email,
      dedupe_phone: '+14155550199',
    })
    expect(lead.utm).toEqual({ utm_source: 'google' })
    expect(lead.attributes).toMatchObject({ favourite_colour: 'teal' })
    expect(lead.raw_payload).toMatchObject({ first_name: 'Ada', favourite_colour: 'teal' })
    // The HOT policy: one minute, around the clock.
    const due = (lead.sla_due_at as Date).getTime()
    expect(new Date(answer.sla_due_at!).getTime()).toBe(due)
    expect(due - (lead.sla_started_at as Date).getTime()).toBe(60_000)
    expect((lead.sla_started_at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000)

    const events = await eventsOf(sql, answer.lead_id)
    expect(events.map(event => event.type)).toEqual(expect.arrayContaining(['created', 'scored', 'assigned', 'ack_queued']))
    const assigned = events.find(event => event.type === 'assigned')!
    expect(assigned.details).toMatchObject({ to: answer.assigned_to, trigger: 'new_lead', reason: expect.stringContaining('round robin') })
    const scored = events.find(event => event.type === 'scored')!
    expect(scored.details.score).toBe(lead.score)

    const { rows: messages } = await sql.query('select channel, recipient, subject, body, status from public.outbound_messages where lead_id = $1', [answer.lead_id])
    expect(messages).toEqual([{ channel: 'email', recipient: email, subject: expect.stringContaining('answers'), body: expect.stringMatching(/^Hi Ada, thanks for contacting answers /), status: 'queued' }])
  })

  it('takes a post through supabase-js functions.invoke', async () => {
    const client = anonClient()
    const email = uniqueEmail('invoke')
    const { data, error } = await client.functions.invoke<IngestAnswer>('ingest-lead', {
      body: { name: 'Grace Hopper', email, country: 'United States' },
      headers: { 'x-source-key': org.sourceKey },
    })
    expect(error).toBeNull()
    expect(data).toMatchObject({ lead_id: expect.any(String), assigned_to: expect.any(String) })
    expect(await leadRow(data!.lead_id)).toMatchObject({ email, country: 'US', full_name: 'Grace Hopper' })
  })

  it('sends a browser that posted a plain HTML form to the thank-you page (key in a field)', async () => {
    const email = uniqueEmail('form')
    const response = await postLead({ source_key: org.sourceKey, name: 'Linus Form', email, message: 'Hello\r\nthere' }, {
      key: null,
      as: 'form',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(thankYouUrl)
    const { rows } = await sql.query('select full_name, message, raw_payload from public.leads where email = $1', [email])
    expect(rows).toHaveLength(1)
    expect(rows[0].full_name).toBe('Linus Form')
    expect(rows[0].message).toBe('Hello\nthere')
    expect(rows[0].raw_payload).not.toHaveProperty('source_key')
  })

  it('shows a browser whose plain HTML form was refused a small page with the status, not JSON', async () => {
    const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
    const invalid = await postLead({ source_key: org.sourceKey, name: 'Bad <Form>', email: 'not-an-email' }, { key: null, as: 'form', headers: browser })
    expect(invalid.status).toBe(422)
    expect(invalid.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await invalid.text()
    expect(page).toMatch(/<title>Not sent \(422\)<\/title>/)
    expect(page).toMatch(/<li><b>email<\/b>: .+<\/li>/)

    const unknown = await postLead({ source_key: 'no-such-key', email: uniqueEmail() }, { key: null, as: 'form', headers: browser })
    expect(unknown.status).toBe(401)
    expect(await unknown.text()).toMatch(/unknown or has been revoked.*Error 401: invalid_source_key/s)

    const limited = await createIngestOrg(sql, 'html-limited', { reps: 1, source: { rate_limit_per_minute: 1 } })
    await awayFromMinuteBoundary()
    expect((await postLead({ source_key: limited.sourceKey, email: uniqueEmail() }, { key: null, as: 'form', headers: browser })).status).toBe(303)
    const tooMany = await postLead({ source_key: limited.sourceKey, email: uniqueEmail() }, { key: null, as: 'form', headers: browser })
    expect(tooMany.status).toBe(429)
    expect(tooMany.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(tooMany.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await tooMany.text()).toMatch(/Error 429: rate_limited/)
  })

  it('answers JSON to a form post that does not ask for HTML', async () => {
    const response = await postLead({ name: 'Api Client', email: uniqueEmail('form-json') }, { key: org.sourceKey, as: 'form' })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ lead_id: expect.any(String) })
  })

  it('stores a honeypot hit as spam, unrouted, and answers it like any new lead', async () => {
    const email = uniqueEmail('bot')
    const response = await postLead({ name: 'Cheap Followers', email, _gotcha: 'http://spam.example' }, { key: org.sourceKey })
    expect(response.status).toBe(201)
    const answer = await response.json() as IngestAnswer
    // The shape of a real lead's answer (waiting in an ownerless fallback queue): an SLA due time too.
    expect(answer).toEqual({ lead_id: expect.any(String), status: 'new', assigned_to: null, sla_due_at: expect.any(String) })
    expect(Date.parse(answer.sla_due_at!)).toBeGreaterThan(Date.now() - 60_000)
    expect(await leadRow(answer.lead_id)).toMatchObject({ is_spam: true, assigned_to: null, sla_state: 'none', dedupe_email: null, status: 'new' })
    expect((await eventsOf(sql, answer.lead_id)).map(event => event.type)).toEqual(['created', 'spam_flagged'])
    const { rowCount } = await sql.query('select 1 from public.outbound_messages where lead_id = $1', [answer.lead_id])
    expect(rowCount).toBe(0)
  })

  it('answers spam in the very shape of a real lead waiting in a fallback queue without an owner', async () => {
    const idle = await createIngestOrg(sql, 'ownerless', { reps: 1 })
    await sql.query(`update public.members set availability = 'off' where id = $1`, [idle.reps[0]!.id])
    await sql.query('update public.teams set fallback_owner_id = null where id = $1', [idle.teamId])
    const shape = (answer: Record<string, unknown>) => Object.entries(answer).map(([key, value]) => [key, value === null ? 'null' : typeof value])
    const real = await (await postLead({ name: 'Rita Real', email: uniqueEmail('real') }, { key: idle.sourceKey })).json() as Record<string, unknown>
    const spam = await (await postLead({ name: 'Rita Real', email: uniqueEmail('bot'), website_url_confirm: 'x' }, { key: idle.sourceKey })).json() as Record<string, unknown>
    expect(real).toMatchObject({ status: 'new', assigned_to: null })
    expect(shape(spam)).toEqual(shape(real))
  })

  it('accepts the demo web-form source key from the seed', async () => {
    // Invalid on purpose: proves the key authenticates without adding a lead to the demo data.
    const response = await postLead({ name: 'No contact' })
    const error = await expectError(response, 422, 'invalid_lead')
    expect(error.fields).toMatchObject({ email: expect.any(String), phone: expect.any(String) })
  })
})

describe('error answers', () => {
  it('400 for a body that is not JSON', async () => {
    await expectError(await postLead('{"email": "a@b.co"', { key: org.sourceKey }), 400, 'invalid_json')
    await expectError(await postLead('', { key: org.sourceKey }), 400, 'invalid_json')
  })

  it('413 for a body over 64 KB', async () => {
    const response = await postLead({ email: uniqueEmail('big'), message: 'x'.repeat(70 * 1024) }, { key: org.sourceKey })
    await expectError(response, 413, 'payload_too_large')
  })

  it('415 for other content types', async () => {
    await expectError(await postLead('email=a@b.co', { key: org.sourceKey, contentType: 'text/plain' }), 415, 'unsupported_media_type')
    await expectError(await postLead('--x--', { key: org.sourceKey, contentType: 'multipart/form-data; boundary=x' }), 415, 'unsupported_media_type')
    await expectError(await postLead('{}', { key: org.sourceKey, contentType: '' }), 415, 'unsupported_media_type')
  })

  it('422 with a message per field', async () => {
    const error = await expectError(await postLead({ email: 'not-an-email', phone: '12', consent: 'maybe' }, { key: org.sourceKey }), 422, 'invalid_lead')
    expect(Object.keys(error.fields!)).toEqual(expect.arrayContaining(['email', 'consent']))
    await expectError(await postLead([1, 2, 3], { key: org.sourceKey }), 422, 'invalid_lead')
  })

  it('401 without a key, with an unknown key and with a revoked key', async () => {
    await expectError(await postLead({ email: uniqueEmail() }, { key: null }), 401, 'missing_source_key')
    await expectError(await postLead({ email: uniqueEmail() }, { key: 'no-such-key' }), 401, 'invalid_source_key')
    const revoked = await createIngestOrg(sql, 'revoked', { reps: 1 })
    expect((await postLead({ email: uniqueEmail() }, { key: revoked.sourceKey })).status).toBe(201)
    await sql.query('update public.lead_sources set revoked_at = now() where id = $1', [revoked.sourceId])
    await expectError(await postLead({ email: uniqueEmail() }, { key: revoked.sourceKey }), 401, 'invalid_source_key')
  })

  it('405 for other methods', async () => {
    const response = await fetch(ingestUrl(), { method: 'GET', headers: { 'x-source-key': org.sourceKey } })
    await expectError(response, 405, 'method_not_allowed')
    expect(response.headers.get('allow')).toBe('POST, OPTIONS')
    await expectError(await fetch(ingestUrl(), { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } }), 405, 'method_not_allowed')
  })

  it('429 with Retry-After once the source is over its rate', async () => {
    const limited = await createIngestOrg(sql, 'limited', { reps: 1, source: { rate_limit_per_minute: 3 } })
    await awayFromMinuteBoundary()
    for (let i = 0; i < 3; i++)
      expect((await postLead({ email: uniqueEmail('rate') }, { key: limited.sourceKey })).status).toBe(201)
    const response = await postLead({ email: uniqueEmail('rate') }, { key: limited.sourceKey })
    await expectError(response, 429, 'rate_limited')
    const retryAfter = Number(response.headers.get('retry-after'))
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true)
    const { rows } = await sql.query('select count(*)::int as n from public.leads where source_id = $1', [limited.sourceId])
    expect(rows[0].n).toBe(3)
  })

  it('429 once one client address is over its rate, counted in the database', async () => {
    const limited = await createIngestOrg(sql, 'ip-limited', { reps: 1, source: { ip_rate_limit_per_minute: 2 } })
    await awayFromMinuteBoundary()
    expect((await postLead({ email: uniqueEmail('ip') }, { key: limited.sourceKey })).status).toBe(201)
    expect((await postLead({ email: uniqueEmail('ip') }, { key: limited.sourceKey })).status).toBe(201)
    const response = await postLead({ email: uniqueEmail('ip') }, { key: limited.sourceKey })
    const error = await expectError(response, 429, 'rate_limited')
    expect(error.message).toMatch(/your address/)
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
    const { rows } = await sql.query(`select hits from private.ingest_rate_counters where bucket = $1 || '|127.0.0.1'`, [limited.sourceId])
    expect(rows.map(row => row.hits)).toContain(3)
  })
})

describe('CORS per source', () => {
  it('answers the preflight of an allowed origin and lets it read the answer', async () => {
    const preflight = await fetch(ingestUrl(), {
      method: 'OPTIONS',
      headers: { 'origin': allowedOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-source-key, idempotency-key' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowedOrigin)
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-source-key')

    const response = await postLead({ email: uniqueEmail('cors') }, { key: org.sourceKey, headers: { origin: allowedOrigin } })
    expect(response.status).toBe(201)
    expect(response.headers.get('access-control-allow-origin')).toBe(allowedOrigin)
  })

  it('lets the page read an error answered before the source is known (400, 413, 415, 401)', async () => {
    const fromPage = { origin: allowedOrigin }
    const answers = [
      [await postLead('{"email":', { key: org.sourceKey, headers: fromPage }), 400, 'invalid_json'],
      [await postLead({ email: uniqueEmail('big'), message: 'x'.repeat(70 * 1024) }, { key: org.sourceKey, headers: fromPage }), 413, 'payload_too_large'],
      [await postLead('{}', { key: org.sourceKey, headers: fromPage, contentType: 'text/plain' }), 415, 'unsupported_media_type'],
      [await postLead({ email: uniqueEmail() }, { key: 'no-such-key', headers: fromPage }), 401, 'invalid_source_key'],
      [await postLead({ email: uniqueEmail() }, { key: null, headers: fromPage }), 401, 'missing_source_key'],
    ] as const
    for (const [response, status, code] of answers) {
      expect(response.headers.get('access-control-allow-origin')).toBe(allowedOrigin)
      expect(response.headers.get('vary')).toMatch(/origin/i)
      await expectError(response, status, code)
    }
  })

  it('lets the page read a 422 and a 429 from its own source', async () => {
    const limited = await createIngestOrg(sql, 'cors-limited', { reps: 1, source: { rate_limit_per_minute: 1 } })
    await awayFromMinuteBoundary()
    const invalid = await postLead({ email: 'nope' }, { key: limited.sourceKey, headers: { origin: allowedOrigin } })
    expect(invalid.headers.get('access-control-allow-origin')).toBe(allowedOrigin)
    await expectError(invalid, 422, 'invalid_lead')
    const limitedAnswer = await postLead({ email: uniqueEmail() }, { key: limited.sourceKey, headers: { origin: allowedOrigin } })
    expect(limitedAnswer.headers.get('access-control-allow-origin')).toBe(allowedOrigin)
    expect(limitedAnswer.headers.get('access-control-expose-headers')).toMatch(/retry-after/)
    await expectError(limitedAnswer, 429, 'rate_limited')
  })

  it('refuses a post and a preflight from an origin the source does not allow', async () => {
    const email = uniqueEmail('evil')
    const response = await postLead({ email }, { key: org.sourceKey, headers: { origin: 'https://evil.example' } })
    await expectError(response, 403, 'origin_not_allowed')
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const { rowCount } = await sql.query('select 1 from public.leads where email = $1', [email])
    expect(rowCount).toBe(0)

    const preflight = await fetch(ingestUrl(), { method: 'OPTIONS', headers: { 'origin': 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBe(403)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('Idempotency-Key', () => {
  it('replays the first answer without a second lead', async () => {
    const email = uniqueEmail('idem')
    const body = { name: 'Replay Me', email }
    const first = await postLead(body, { key: org.sourceKey, headers: { 'idempotency-key': `k-${email}` } })
    const second = await postLead(body, { key: org.sourceKey, headers: { 'idempotency-key': `k-${email}` } })
    expect(first.status).toBe(201)
    expect(second.status).toBe(201)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(await second.json()).toEqual(await first.json())
    const { rowCount } = await sql.query('select 1 from public.leads where email = $1', [email])
    expect(rowCount).toBe(1)
  })

  it('serializes concurrent retries onto one lead', async () => {
    const email = uniqueEmail('idem-race')
    const answers = await Promise.all(Array.from({ length: 6 }, () =>
      postLead({ email }, { key: org.sourceKey, headers: { 'idempotency-key': `race-${email}` } }).then(async r => ({ status: r.status, body: await r.json() as IngestAnswer }))))
    expect(answers.map(a => a.status)).toEqual(Array(6).fill(201))
    expect(new Set(answers.map(a => a.body.lead_id)).size).toBe(1)
    const { rowCount } = await sql.query('select 1 from public.leads where email = $1', [email])
    expect(rowCount).toBe(1)
  })

  it('answers a replay before the rate limit counts it', async () => {
    const limited = await createIngestOrg(sql, 'idem-rate', { reps: 1, source: { rate_limit_per_minute: 2 } })
    await awayFromMinuteBoundary()
    const body = { email: uniqueEmail('idem-rate') }
    const retry = { key: limited.sourceKey, headers: { 'idempotency-key': `rate-${body.email}` } }
    const first = await postLead(body, retry)
    expect(first.status).toBe(201)
    const firstAnswer = await first.json() as IngestAnswer
    for (let i = 0; i < 3; i++) {
      const again = await postLead(body, retry)
      expect(again.status).toBe(201)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(await again.json()).toEqual(firstAnswer)
    }
    // The retries used none of the two posts a minute: one more new lead still goes through.
    expect((await postLead({ email: uniqueEmail('idem-rate') }, { key: limited.sourceKey })).status).toBe(201)
    await expectError(await postLead({ email: uniqueEmail('idem-rate') }, { key: limited.sourceKey }), 429, 'rate_limited')
  })

  it('replays for 24 hours only: after that the key is new again', async () => {
    const email = uniqueEmail('idem-old')
    const retry = { key: org.sourceKey, headers: { 'idempotency-key': `old-${email}` } }
    const first = await postLead({ email }, retry)
    expect(first.status).toBe(201)
    const { lead_id: leadId } = await first.json() as IngestAnswer
    await sql.query(`update public.ingest_requests set created_at = now() - interval '24 hours 1 minute' where lead_id = $1`, [leadId])
    // Not replayed: the same person posting again, so a merge into the lead of the first post.
    const again = await postLead({ email }, retry)
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBeNull()
    expect(await again.json()).toMatchObject({ lead_id: leadId, status: 'merged' })
    // And that answer is the one now replayed.
    const third = await postLead({ email }, retry)
    expect(third.headers.get('idempotent-replayed')).toBe('true')
    expect(await third.json()).toMatchObject({ lead_id: leadId, status: 'merged' })
  })

  it('refuses the same key with a different body (422)', async () => {
    const key = `reuse-${uniqueEmail()}`
    expect((await postLead({ email: uniqueEmail('one') }, { key: org.sourceKey, headers: { 'idempotency-key': key } })).status).toBe(201)
    await expectError(await postLead({ email: uniqueEmail('two') }, { key: org.sourceKey, headers: { 'idempotency-key': key } }), 422, 'idempotency_key_reused')
  })
})
