import type { IncomingMessage } from 'node:http'
import type pg from 'pg'
import { z } from 'zod'
import { readBody } from '../http.ts'
import { AuthError } from './errors.ts'
import type { AuthSettings } from './settings.ts'

/** What every handler gets: the request, its parsed URL and path parameters, and the service's wiring. */
export interface AuthRequest {
  req: IncomingMessage
  url: URL
  params: Record<string, string>
  pool: pg.Pool
  settings: AuthSettings
  issuer: string
}

/** A handler's answer; the service adds CORS and writes it. `body` undefined means no body (e.g. 204). */
export interface AuthReply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (request: AuthRequest) => Promise<AuthReply>

/** JSON fields are optional and may be null, as Go's decoder treats both as the zero value. */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform(value => value ?? undefined)
export const metadata = z.record(z.string(), z.unknown())

const bodyLimit = 1024 * 1024

/**
 * Reads and checks a JSON body. Malformed JSON or a field of the wrong type is GoTrue's 400 `bad_json`;
 * an empty body counts as `{}` only where GoTrue skips parsing it (`emptyIsObject`).
 */
export async function readJson<T extends z.ZodType>(req: IncomingMessage, schema: T, options: { emptyIsObject?: boolean } = {}): Promise<z.infer<T>> {
  const raw = await readBody(req, bodyLimit)
  if (raw === undefined)
    throw new AuthError(413, 'request_entity_too_large', `Request body too large (max ${bodyLimit} bytes)`)
  const text = raw.toString('utf8')
  let value: unknown
  try {
    value = text.trim() === '' && options.emptyIsObject ? {} : JSON.parse(text)
  }
  catch (error) {
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${(error as Error).message}`)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length > 0 ? ` (field ${issue.path.join('.')})` : ''
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${issue.message}${where}`)
  }
  return parsed.data
}

/** What GoTrue records about the client on a new session. */
export function clientInfo(req: IncomingMessage): { userAgent?: string, ip?: string } {
  return { userAgent: req.headers['user-agent'], ip: req.socket.remoteAddress }
}
