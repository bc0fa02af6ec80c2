import type { ServerResponse } from 'node:http'
import { RestError } from './errors.ts'
import type { StatementResult } from './sql/statements.ts'

export interface RestResponse {
  status: number
  headers: Record<string, string>
  /** Absent: no body (HEAD, 204, return=minimal). */
  body?: string
}

export const jsonType = 'application/json; charset=utf-8'
export const objectType = 'application/vnd.pgrst.object+json; charset=utf-8'

/** `Content-Range: lower-upper/total`, `*` for an empty range or an unknown total (PostgREST's contentRangeH). */
export function contentRange(lower: number, upper: number, total: number | undefined): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*'
  return `${range}/${total ?? '*'}`
}

/** Status and Content-Range of a read of `pageTotal` rows from `offset`, with the total if counted. */
export function readRangeStatus(offset: number, pageTotal: number, total: number | undefined): { status: number, contentRange: string } {
  const upper = offset + pageTotal - 1
  let status = 200
  if (total !== undefined && offset > total)
    status = 416
  else if (total !== undefined && 1 + upper - offset < total)
    status = 206
  return { status, contentRange: contentRange(offset, upper, total) }
}

export function rangeNotSatisfiable(offset: number, total: number): RestError {
  return new RestError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${offset} was requested, but there are only ${total} rows.`)
}

/** The total of `Prefer: count=…`, when one was computed. */
export function totalOf(result: StatementResult): number | undefined {
  return result.total_result_set === null || result.total_result_set === '' ? undefined : Number(result.total_result_set)
}

/**
 * Applies the `response.status` / `response.headers` settings a function may have made
 * (`[{"Header": "value"}, ...]`); headers already set are kept unless overridden.
 */
export function withGucOverrides(response: RestResponse, result: StatementResult): RestResponse {
  let { status, headers } = response
  if (result.response_status !== null) {
    const override = Number(result.response_status)
    if (!Number.isInteger(override) || override < 100 || override > 599)
      throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code')
    status = override
  }
  if (result.response_headers !== null) {
    let entries: unknown
    try {
      entries = JSON.parse(result.response_headers)
    }
    catch {
      entries = undefined
    }
    const valid = Array.isArray(entries) && entries.every(entry => entry !== null && typeof entry === 'object'
      && Object.keys(entry).length === 1 && typeof Object.values(entry)[0] === 'string')
    if (!valid)
      throw new RestError(500, 'PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value')
    headers = { ...headers }
    for (const entry of entries as Array<Record<string, string>>) {
      const [name, value] = Object.entries(entry)[0]
      headers[name.toLowerCase()] = value
    }
  }
  return { ...response, status, headers }
}

export function send(res: ServerResponse, response: RestResponse, extraHeaders: Record<string, string>, head: boolean): void {
  const headers: Record<string, string> = { ...extraHeaders, ...response.headers }
  const body = response.body
  if (body !== undefined)
    headers['content-length'] = String(Buffer.byteLength(body))
  res.writeHead(response.status, headers)
  res.end(head || body === undefined ? undefined : body)
}

export function errorResponse(error: RestError): RestResponse {
  return { status: error.status, headers: { 'content-type': jsonType, ...error.headers }, body: JSON.stringify(error.body) }
}
