// CORS per lead source: browsers may post from the source's allowed origins only. Requests
// without an Origin (servers, webhooks) are not browsers and are not asked about it.
import type { HeaderMap } from './answers.ts'

export const ALLOWED_REQUEST_HEADERS = 'content-type, x-source-key, idempotency-key, authorization, apikey, x-client-info'

export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase()
}

/** Whether a browser at `origin` may post to a source allowing `allowedOrigins` ("*" allows any). */
export function originAllowed(origin: string | null, allowedOrigins: readonly string[]): boolean {
  if (origin === null)
    return true
  const wanted = normalizeOrigin(origin)
  return allowedOrigins.some(allowed => allowed === '*' || normalizeOrigin(allowed) === wanted)
}

/** Headers that let the browser at `origin` read the answer. */
export function corsHeaders(origin: string | null): HeaderMap {
  if (origin === null)
    return {}
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'retry-after, idempotent-replayed',
    'vary': 'Origin',
  }
}

/** The answer to a preflight from an origin some source allows. */
export function preflightHeaders(origin: string): HeaderMap {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
    'access-control-max-age': '600',
  }
}
