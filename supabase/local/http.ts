import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type pg from 'pg'
import type { StackKeys } from './config.ts'

/** What every service of the local stack is given. */
export interface StackContext extends StackKeys {
  /** Superuser pool; services switch role per request (`set local role`) so RLS applies. */
  pool: pg.Pool
  dbUrl: string
  /** The API URL as clients (and functions) reach it, e.g. http://127.0.0.1:54321 */
  apiUrl: string
  jwtSecret: string
}

/** One service behind the gateway, mounted at a path prefix such as `/rest/v1`. */
export interface Service {
  name: string
  prefix: string
  /** `path` is what follows the prefix, starting with `/` (query string excluded). */
  handle: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  close?: () => Promise<void>
}

/** Reads a request body up to `limit` bytes; undefined when it is larger. */
export async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit)
      return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}

/** CORS as Supabase's gateway answers it: any origin, the request's headers allowed, counts exposed. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  if (!origin)
    return {}
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? 'authorization, apikey, content-type, x-client-info, prefer, range, accept-profile, content-profile',
    'access-control-expose-headers': 'content-range, content-location, content-profile, preference-applied, x-supabase-api-version, range-unit, location',
    'access-control-max-age': '86400',
    'vary': 'Origin',
  }
}
