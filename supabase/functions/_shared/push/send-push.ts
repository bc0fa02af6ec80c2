// Sends one lead alert to a member's devices with web-push, retrying what the push service asks us
// to retry. No database access here: the caller records the outcomes (see record-push-outcomes.ts).
// The package ships no types; Deno needs to be told where they are (Node finds @types/web-push itself).
// @ts-types="npm:@types/web-push@3.6.4"
import webpush, { type RequestOptions, type PushSubscription as WebPushSubscription } from 'web-push'
import { pushTopic, pushTtlSeconds, pushUrgency } from './delivery-options.ts'
import { encodeLeadPushPayload } from './payload.ts'
import type { LeadPushPayload } from './payload.ts'
import { defaultRetryPolicy, isRetryableStatus, nextRetryDelayMs, parseRetryAfter } from './retry-policy.ts'
import type { RetryPolicy } from './retry-policy.ts'

/** The server's VAPID identity; the caller reads it from configuration and passes it in. */
export interface VapidDetails {
  publicKey: string
  privateKey: string
  /** `mailto:` or `https:` contact for the push service operator. */
  subject: string
}

/** The columns of a stored subscription that sending needs. */
export interface PushTarget {
  endpoint: string
  p256dh: string
  auth: string
}

/**
 * - sent: the push service accepted the message (2xx).
 * - gone: 404/410, the subscription no longer exists: the caller deletes it.
 * - retry: 429/5xx or a passing network error, still failing when the attempts or time ran out.
 * - failed: any other rejection (e.g. 400, 403, 413, an untrusted certificate); retrying would not help.
 */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'failed'

export interface PushDelivery<T extends PushTarget = PushTarget> {
  subscription: T
  outcome: PushOutcome
  /** HTTP status of the last attempt; null when no response came (network error). */
  statusCode: number | null
  attempts: number
  /** The push service's last Retry-After, for a caller that wants to schedule a later try. */
  retryAfterMs: number | null
  /** Why the last attempt failed; null when sent. */
  error: string | null
}

/** I/O the sender needs, injectable so tests control time. */
export interface SendPushDeps {
  sendNotification: (subscription: WebPushSubscription, payload: string, options: RequestOptions) => Promise<{ statusCode: number }>
  sleep: (ms: number) => Promise<void>
  /** Milliseconds since the epoch. */
  now: () => number
}

/**
 * web-push's request (VAPID headers, aes128gcm body) sent with the runtime's fetch; a non-2xx
 * answer rejects with a WebPushError, as sendNotification() does. Used under Deno, whose node:https
 * client (what sendNotification uses) handles concurrent requests poorly: 25 pushes at once took
 * 670-730 ms to a local push service where fetch took 140 ms (one at a time both ~8 ms).
 */
export async function sendNotificationWithFetch(subscription: WebPushSubscription, payload: string, options: RequestOptions): Promise<{ statusCode: number }> {
  const details = webpush.generateRequestDetails(subscription, payload, options)
  const response = await fetch(details.endpoint, {
    method: details.method,
    headers: details.headers as Record<string, string>,
    body: details.body === null ? null : new Uint8Array(details.body),
    ...(options.timeout ? { signal: AbortSignal.timeout(options.timeout) } : {}),
  })
  const body = await response.text()
  if (response.ok)
    return { statusCode: response.status }
  throw new webpush.WebPushError('Received unexpected response code', response.status, Object.fromEntries(response.headers), body, details.endpoint)
}

const underDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined'

export const webPushDeps: SendPushDeps = {
  // Node keeps web-push's own client (and its `agent` option, which tests use to trust the double).
  sendNotification: underDeno
    ? sendNotificationWithFetch
    : (subscription, payload, options) => webpush.sendNotification(subscription, payload, options),
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  now: () => Date.now(),
}

export interface SendLeadAlertOptions {
  vapid: VapidDetails
  /** When the lead's SLA is due (ISO); bounds the TTL. Null for alerts with no SLA (test notifications). */
  slaDueAt: string | null
  retry?: Partial<RetryPolicy>
  /** Socket timeout per attempt. */
  timeoutMs?: number
  /** Node only: an https.Agent, e.g. one that trusts a test push service's certificate. */
  agent?: RequestOptions['agent']
}

const defaultTimeoutMs = 5_000

interface AttemptFailure {
  statusCode: number | null
  retryAfter: string | string[] | undefined
  message: string
}

// Connection trouble that may pass. Others (certificate errors, unknown host) are configuration
// faults that retrying within seconds will not fix. Node and Deno's node:https use the same codes.
const transientNetworkCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
])

// Deno's fetch rejects with a TypeError whose message carries the cause; certificate and name
// resolution faults are configuration, the rest (refused, reset, closed) may pass.
function fetchConnectionTrouble(error: unknown): boolean {
  if (!(error instanceof TypeError))
    return false
  const text = `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`
  return /connection|refused|reset|closed|broken pipe|timed out/i.test(text) && !/certificate|dns|lookup|name or service/i.test(text)
}

// web-push rejects with a WebPushError (statusCode, headers) for HTTP answers, and with a plain
// Error for bad input or for network trouble (system errors carry a `code`).
function describeFailure(error: unknown): AttemptFailure & { transient: boolean } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    statusCode?: unknown
    headers?: Record<string, string | string[] | undefined>
    body?: unknown
    message?: unknown
    code?: unknown
  }
  const message = typeof e.message === 'string' ? e.message : String(error)
  if (typeof e.statusCode === 'number') {
    const body = typeof e.body === 'string' && e.body !== '' ? `: ${e.body.slice(0, 200)}` : ''
    return {
      statusCode: e.statusCode,
      retryAfter: e.headers?.['retry-after'],
      message: `${message} ${e.statusCode}${body}`,
      transient: isRetryableStatus(e.statusCode),
    }
  }
  const name = typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : ''
  const transient = (typeof e.code === 'string' && transientNetworkCodes.has(e.code))
    || message === 'Socket timeout' // web-push's own timeout
    || name === 'TimeoutError' // fetch's AbortSignal.timeout()
    || fetchConnectionTrouble(error)
  const code = typeof e.code === 'string' ? ` (${e.code})` : ''
  return { statusCode: null, retryAfter: undefined, message: `${message}${code}`, transient }
}

async function deliverOne<T extends PushTarget>(
  deps: SendPushDeps,
  subscription: T,
  body: string,
  options: RequestOptions,
  slaDueAt: string | null,
  policy: RetryPolicy,
): Promise<PushDelivery<T>> {
  const target: WebPushSubscription = {
    endpoint: subscription.endpoint,
    keys: { p256dh: subscription.p256dh, auth: subscription.auth },
  }
  const started = deps.now()
  for (let attempt = 1; ; attempt++) {
    try {
      // Recomputed per attempt: time spent waiting to retry comes off what is left of the SLA.
      const ttl = pushTtlSeconds(slaDueAt, deps.now())
      const response = await deps.sendNotification(target, body, { ...options, TTL: ttl })
      return { subscription, outcome: 'sent', statusCode: response.statusCode, attempts: attempt, retryAfterMs: null, error: null }
    }
    catch (error) {
      const failure = describeFailure(error)
      const retryAfterMs = parseRetryAfter(failure.retryAfter, deps.now())
      const result = { subscription, statusCode: failure.statusCode, attempts: attempt, retryAfterMs, error: failure.message }
      if (failure.statusCode === 404 || failure.statusCode === 410)
        return { ...result, outcome: 'gone' }
      if (!failure.transient)
        return { ...result, outcome: 'failed' }
      const delay = nextRetryDelayMs(attempt, retryAfterMs, deps.now() - started, policy)
      if (delay == null)
        return { ...result, outcome: 'retry' }
      await deps.sleep(delay)
    }
  }
}

/**
 * Sends the payload to every subscription (in parallel) and reports one delivery per subscription,
 * in the same order. Never rejects for push-service answers; rejects only for a payload that cannot
 * be encoded or an unreadable `slaDueAt`.
 */
export async function sendLeadAlert<T extends PushTarget>(
  deps: SendPushDeps,
  subscriptions: readonly T[],
  payload: LeadPushPayload,
  opts: SendLeadAlertOptions,
): Promise<PushDelivery<T>[]> {
  const body = encodeLeadPushPayload(payload)
  pushTtlSeconds(opts.slaDueAt, deps.now()) // refuse an unreadable due time before sending anything
  const options: RequestOptions = {
    vapidDetails: opts.vapid,
    urgency: pushUrgency(payload),
    topic: pushTopic(payload),
    contentEncoding: 'aes128gcm',
    timeout: opts.timeoutMs ?? defaultTimeoutMs,
    ...(opts.agent ? { agent: opts.agent } : {}),
  }
  const policy = { ...defaultRetryPolicy, ...opts.retry }
  const deliveries = await Promise.all(subscriptions.map(subscription => deliverOne(deps, subscription, body, options, opts.slaDueAt, policy)))
  return deliveries
}
