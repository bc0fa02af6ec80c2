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
