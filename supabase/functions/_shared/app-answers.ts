// JSON answers of the functions the PWA calls (CORS included): a body, or a refusal as
// {"error": {"code", "message"}}, the shape the PWA's functionError() reads.
import { appCorsHeaders } from './cors.ts'

export function appJson(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...appCorsHeaders, 'content-type': 'application/json' } })
}

export function appRefusal(status: number, code: string, message: string): Response {
  return appJson(status, { error: { code, message } })
}

/** The CORS preflight answer, or null for any other method. */
export function preflight(request: Request): Response | null {
  return request.method === 'OPTIONS' ? new Response(null, { status: 204, headers: appCorsHeaders }) : null
}

// PostgREST's statuses for the SQLSTATEs the app's RPCs raise.
const statusOfSqlState: Record<string, number> = { '42501': 403, 'PT404': 404, '22023': 400 }

/** A refusal carrying an RPC's error, with the status PostgREST would have answered. */
export function rpcRefusal(code: string, message: string): Response {
  return appRefusal(statusOfSqlState[code] ?? 500, code, message)
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value)
}

/** The JSON object a call posted (an empty body reads as {}), or `usage` when it is not one. */
export async function readJsonObject(request: Request, usage: string): Promise<Record<string, unknown> | string> {
  const text = await request.text()
  if (text.trim() === '')
    return {}
  try {
    const body: unknown = JSON.parse(text)
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : usage
  }
  catch {
    return usage
  }
}

/** A call that passed the front door: the caller's Authorization header and its read body. */
export interface AppCall<T> {
  authorization: string
  body: T
}

/**
 * The front door every function the PWA calls shares: the CORS preflight, POST only, a signed-in
 * caller, and a body `readBody` accepts (it answers a string to refuse it). Answers the refusal
 * (or preflight) as a Response, or the call.
 */
export async function acceptAppCall<T>(
  request: Request,
  wording: { method: string, signIn: string },
  readBody: (request: Request) => Promise<T | string>,
): Promise<Response | AppCall<T>> {
  const corsAnswer = preflight(request)
  if (corsAnswer)
    return corsAnswer
  if (request.method !== 'POST')
    return appRefusal(405, 'method_not_allowed', wording.method)
  const authorization = request.headers.get('authorization')
  if (!authorization)
    return appRefusal(401, 'unauthenticated', wording.signIn)
  const body = await readBody(request)
  if (typeof body === 'string')
    return appRefusal(400, 'invalid_body', body)
  return { authorization, body }
}
