// The endpoint's answers: JSON bodies, the error shape {error: {code, message, fields}}, and for
// plain HTML forms the redirect to the thank-you page or a small page saying what went wrong.

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

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, char => htmlEscapes[char]!)
}

/**
 * The error as a page, for a browser that posted a plain <form> and would otherwise show raw
 * JSON: the status, the message and what is wrong with each field.
 */
export function htmlError(error: IngestError, headers: HeaderMap = {}): Response {
  const fields = error.fields === null
    ? ''
    : `<ul>${Object.entries(error.fields).map(([field, problem]) => `<li><b>${escapeHtml(field)}</b>: ${escapeHtml(problem)}</li>`).join('')}</ul>`
  const page = '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
    + `<title>Not sent (${error.status})</title>`
    + `<h1>Your request was not sent</h1><p>${escapeHtml(error.message)}</p>${fields}`
    + `<p>Go back to the form, correct it and send it again. (Error ${error.status}: ${escapeHtml(error.code)})</p></html>`
  return new Response(page, {
    status: error.status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...error.headers, ...headers },
  })
}
