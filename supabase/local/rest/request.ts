import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { readBody } from '../http.ts'
import { invalidBody, RestError } from './errors.ts'
import type { QueryParams, Range } from './parser/types.ts'

export const exposedSchema = 'public'

export type Target = { kind: 'table', name: string } | { kind: 'rpc', name: string }

/** `/todos` or `/rpc/fn`; PostgREST has no other resource paths (the OpenAPI root is not served here). */
export function parseTarget(path: string): Target {
  const segments = path.split('/').filter(Boolean).map(segment => decodeURIComponent(segment))
  if (segments.length === 1)
    return { kind: 'table', name: segments[0] }
  if (segments.length === 2 && segments[0] === 'rpc')
    return { kind: 'rpc', name: segments[1] }
  if (segments.length === 0)
    throw new RestError(404, 'PGRST126', 'Root endpoint metadata is disabled')
  throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL')
}

/** Accept-Profile (reads) or Content-Profile (writes) must name the exposed schema. */
export function checkProfile(method: string, headers: IncomingHttpHeaders): void {
  const header = method === 'GET' || method === 'HEAD' ? headers['accept-profile'] : headers['content-profile']
  const profile = Array.isArray(header) ? header[0] : header
  if (profile !== undefined && profile !== exposedSchema)
    throw new RestError(406, 'PGRST106', `Invalid schema: ${profile}`, null, `Only the following schemas are exposed: ${exposedSchema}`)
}

export interface OutputFormat {
  /** `application/vnd.pgrst.object+json`: exactly one row, as an object. */
  single: boolean
  /** `;nulls=stripped` */
  stripNulls: boolean
}

/** Content negotiation over the JSON media types PostgREST offers (CSV, GeoJSON and plans are not offered here). */
export function negotiateOutput(accept: string | undefined): OutputFormat {
  if (!accept)
    return { single: false, stripNulls: false }
  const ranges = accept.split(',').map(part => part.trim()).filter(Boolean)
  for (const range of ranges) {
    const [type, ...parameters] = range.split(';').map(part => part.trim().toLowerCase())
    const stripNulls = parameters.includes('nulls=stripped')
    if (type === 'application/vnd.pgrst.object+json' || type === 'application/vnd.pgrst.object')
      return { single: true, stripNulls }
    if (['application/json', 'application/vnd.pgrst.array+json', 'application/vnd.pgrst.array', '*/*', 'application/*'].includes(type))
      return { single: false, stripNulls }
  }
  throw new RestError(406, 'PGRST107', `None of these media types are available: ${ranges.map(range => range.split(';')[0].trim()).join(', ')}`)
}

/** The top level's range: `limit`/`offset` intersected with a `Range: 0-9` header (GET only). */
export function rootRange(params: QueryParams, method: string, rangeHeader: string | undefined): Range | undefined {
  const fromParams = params.ranges.get('')
  const match = method === 'GET' && rangeHeader ? /^\s*(\d+)-(\d*)\s*$/.exec(rangeHeader) : null
  if (!match)
    return fromParams
  const headerLower = Number(match[1])
  const headerUpper = match[2] === '' ? Infinity : Number(match[2])
  if (headerLower > headerUpper)
    throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', 'The lower boundary must be lower than or equal to the upper boundary in the Range header.')
  const paramLower = fromParams?.offset ?? 0
  const paramUpper = fromParams?.limit === undefined ? Infinity : paramLower + fromParams.limit - 1
  const lower = Math.max(headerLower, paramLower)
  const upper = Math.min(headerUpper, paramUpper)
  return { offset: lower, limit: upper === Infinity ? undefined : Math.max(0, upper - lower + 1) }
}

export interface JsonBody {
  text: string
  value: unknown
}

/** The request's JSON body; an empty body counts as `emptyAs` when given (RPC), else it is PGRST102. */
export async function readJsonBody(req: IncomingMessage, emptyAs?: string): Promise<JsonBody> {
  const raw = await readBody(req)
  if (raw === undefined)
    throw new RestError(413, 'PGRST102', 'Request body too large')
  const text = raw.toString('utf8')
  if (text.trim() === '' && emptyAs !== undefined)
    return { text: emptyAs, value: JSON.parse(emptyAs) }
  try {
    return { text, value: JSON.parse(text) }
  }
  catch {
    throw invalidBody()
  }
}
