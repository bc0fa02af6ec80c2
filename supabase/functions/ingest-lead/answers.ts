// The endpoint's answers: JSON bodies, the error shape {error: {code, message, fields}} and the
// redirect that plain HTML forms get.

export type HeaderMap = Record<string, string>

export interface ErrorBody {
  error: { code: string, message: string, fields: Record<string, string> | null }
}

/** An answer decided before the lead is written (bad body, bad key, over the rate…). */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> | null = null,
    readonly headers: HeaderMap = {},
  ) {
    super(message)
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, fields: this.fields } }
  }
}

export function jsonAnswer(status: number, body: unknown, headers: HeaderMap = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}

export function errorAnswer(error: IngestError, headers: HeaderMap = {}): Response {
  return jsonAnswer(error.status, error.body(), { ...error.headers, ...headers })
}

/** A form post from a browser: off to the source's thank-you page, or a minimal one of our own. */
export function htmlThanks(thankYouUrl: string | null, headers: HeaderMap = {}): Response {
  if (thankYouUrl !== null)
    return new Response(null, { status: 303, headers: { location: thankYouUrl, 'cache-control': 'no-store', ...headers } })
  const page = '<!doctype html><html lang="en"><meta charset="utf-8"><title>Thank you</title>'
    + '<p>Thank you! We received your request and will be in touch shortly.</p></html>'
  return new Response(page, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers } })
}
