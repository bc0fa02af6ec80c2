// POST /functions/v1/ingest-lead: from the raw request to a defined answer, whatever was sent.
// Checks run cheapest first (method, body, key, origin, rate, fields; a replay whose answer is
// stored is answered before the rate); only a post that passes them all opens a transaction. Nothing a client sends can make it answer 5xx: an unexpected
// failure (the database away) is a 503 to retry.
import type { Sql } from '../_shared/db/postgres.ts'
import { inPipelinedTransaction, sqlState } from '../_shared/db/postgres.ts'
import { normalizeLeadInput } from '../_shared/domain/lead-input.ts'
import type { HeaderMap } from './answers.ts'
import { errorAnswer, htmlError, htmlThanks, IngestError, jsonAnswer } from './answers.ts'
import { clientIp, wantsHtml } from './client.ts'
import { corsHeaders, originAllowed, preflightHeaders } from './cors.ts'
import type { StoredAnswer } from './idempotency.ts'
import { answersNotBefore, idempotencyKeyOf, maybePruneAnswers } from './idempotency.ts'
import { ingest } from './ingest.ts'
import type { AlertSender } from './lead-alert.ts'
import { sendAlert } from './lead-alert.ts'
import { checkRate, maybePruneCounters, rateWindow } from './rate-limit.ts'
import { rawPayloadOf } from './raw-payload.ts'
import { readLeadBody } from './request-body.ts'
import type { LeadSource } from './source-auth.ts'
import { authenticateSource, sha256Hex, someSourceAllows, sourceKeyOf } from './source-auth.ts'

export interface IngestDeps {
  sql: Sql
  now: () => Date
  /** Null when VAPID keys are not configured: alerts are recorded as pending. */
  sender: AlertSender | null
  /** Proxies in front of the function whose X-Forwarded-For entries to skip (see clientIp). */
  trustedProxyHops: number
  /** Keeps work going after the answer (EdgeRuntime.waitUntil on Supabase). */
  background: (work: Promise<unknown>) => void
}

async function preflight(request: Request, sql: Sql): Promise<Response> {
  const origin = request.headers.get('origin')
  if (origin === null)
    return new Response(null, { status: 204, headers: { allow: 'POST, OPTIONS' } })
  if (!(await someSourceAllows(sql, origin)))
    throw new IngestError(403, 'origin_not_allowed', 'No lead source accepts posts from this origin')
  return new Response(null, { status: 204, headers: preflightHeaders(origin) })
}

// Data PostgreSQL refused (a value out of range, a check constraint): the post's fault, not ours.
function isDataError(error: unknown): boolean {
  const code = sqlState(error)
  return code !== null && (code.startsWith('22') || code === '23514')
}

async function handle(request: Request, deps: IngestDeps, cors: { headers: HeaderMap }): Promise<Response> {
  if (request.method === 'OPTIONS') {
    // A refused preflight says nothing to the page.
    cors.headers = {}
    return await preflight(request, deps.sql)
  }
  if (request.method !== 'POST')
    throw new IngestError(405, 'method_not_allowed', 'Post leads with POST', null, { allow: 'POST, OPTIONS' })

  const body = await readLeadBody(request)
  const now = deps.now()
  const idempotencyKey = idempotencyKeyOf(request)
  const idempotency = idempotencyKey === null ? null : { key: idempotencyKey, requestHash: await sha256Hex(body.bytes) }
  const post = await authenticateSource(deps.sql, sourceKeyOf(request, body), {
    ip: clientIp(request, deps.trustedProxyHops),
    windowStart: rateWindow(now).start,
    idempotency: idempotency === null ? null : { ...idempotency, notBefore: answersNotBefore(now) },
  })
  const { source } = post
  const origin = request.headers.get('origin')
  if (!originAllowed(origin, source.allowed_origins)) {
    // The one answer the browser must not hand to the page: the origin is refused.
    cors.headers = {}
    throw new IngestError(403, 'origin_not_allowed', 'This lead source does not accept posts from this origin')
  }
  if (post.replay !== null)
    return answer(request, source, post.replay, { ...cors.headers, 'idempotent-replayed': 'true' })

  checkRate(post, now)
  maybePruneCounters(deps.sql, now)
  maybePruneAnswers(deps.sql, now)
  const input = normalizeLeadInput(body.value, { defaultCountry: source.default_country })
  if (!input.ok)
    throw new IngestError(422, 'invalid_lead', 'Some fields are missing or invalid', input.fields)

  const outcome = await inPipelinedTransaction(deps.sql, (tx, commitAfter) => ingest(tx, {
    source,
    lead: input.lead,
    isSpam: input.isSpam,
    raw: rawPayloadOf(body),
    now,
    idempotency,
    sender: deps.sender,
  }, commitAfter))
  if (outcome.alert !== null && deps.sender !== null)
    deps.background(sendAlert(deps.sql, deps.sender, outcome.alert))

  return answer(request, source, outcome.answer, { ...cors.headers, ...(outcome.replayed ? { 'idempotent-replayed': 'true' } : {}) })
}

function answer(request: Request, source: LeadSource, stored: StoredAnswer, headers: HeaderMap): Response {
  if (wantsHtml(request))
    return htmlThanks(source.thank_you_url, headers)
  return jsonAnswer(stored.status, stored.body, headers)
}

function failureOf(error: unknown): IngestError {
  if (error instanceof IngestError)
    return error
  if (isDataError(error)) {
    console.error('ingest-lead: the database refused the lead:', error)
    return new IngestError(422, 'invalid_lead', 'The lead could not be stored as sent; check its fields')
  }
  console.error('ingest-lead: unexpected failure:', error)
  return new IngestError(503, 'unavailable', 'Leads cannot be taken right now; retry shortly', null, { 'retry-after': '5' })
}

export async function handleIngest(request: Request, deps: IngestDeps): Promise<Response> {
  // Until the source is known, errors are readable from any page: they say what is wrong with
  // the request and carry no data, and without these headers the page would see only a CORS failure.
  const cors = { headers: corsHeaders(request.headers.get('origin')) }
  try {
    return await handle(request, deps, cors)
  }
  catch (error) {
    const failure = failureOf(error)
    return wantsHtml(request) ? htmlError(failure, cors.headers) : errorAnswer(failure, cors.headers)
  }
}
