import pg from 'pg'

/** PostgREST's error body: PostgreSQL's ErrorResponse fields, `null` where absent. */
export interface ErrorBody {
  code: string
  message: string
  /** Usually text; PGRST201 lists the candidate relationships as JSON. */
  details: string | object[] | null
  hint: string | null
}

/** An error answered to the client with PostgREST's status, headers and body. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | object[] | null = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  get body(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details, hint: this.hint }
  }
}

/** PGRST100: a query parameter PostgREST's grammar rejects. */
export function queryParamError(what: string, input: string, column: number, details: string): RestError {
  return new RestError(400, 'PGRST100', `"failed to parse ${what} (${input})" (line 1, column ${column})`, details)
}

export function invalidBody(message = 'Empty or invalid json'): RestError {
  return new RestError(400, 'PGRST102', message)
}

export function tableNotFound(schema: string, table: string): RestError {
  return new RestError(404, 'PGRST205', `Could not find the table '${schema}.${table}' in the schema cache`)
}

export function columnNotFound(table: string, column: string): RestError {
  return new RestError(400, 'PGRST204', `Could not find the '${column}' column of '${table}' in the schema cache`)
}

export function singularityError(rows: number): RestError {
  return new RestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows} rows`)
}

export function notEmbedded(name: string): RestError {
  return new RestError(400, 'PGRST108', `'${name}' is not an embedded resource in this request`, null,
    `Verify that '${name}' is included in the 'select' query parameter.`)
}

export function unauthorized(code: 'PGRST301' | 'PGRST303', message: string): RestError {
  return new RestError(401, code, message, null, null, {
    'www-authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`,
  })
}

/** SQLSTATE to HTTP status, as PostgREST's Error.hs maps it. */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
  if (code === '23503' || code === '23505')
    return 409
  if (code === '25006')
    return 405
  if (code === '21000')
    return message.endsWith('requires a WHERE clause') ? 400 : 500
  if (code === '22023')
    return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400
  if (code === 'P0001')
    return 400
  if (code === '42883')
    return message.startsWith('function xmlagg(') ? 406 : 404
  if (code === '42P01')
    return 404
  if (code === '42P17')
    return 500
  if (code === '42501')
    return authenticated ? 403 : 401
  if (code === '57P01')
    return 503
  if (code === '53400')
    return 500
  if (code.startsWith('PT')) {
    const status = Number(code.slice(2))
    return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500
  }
  const prefixes: Array<[string, number]> = [
    ['08', 503], ['09', 500], ['0L', 403], ['0P', 403], ['25', 500], ['28', 403], ['2D', 500], ['38', 500],
    ['39', 500], ['3B', 500], ['40', 500], ['53', 503], ['54', 500], ['55', 500], ['57', 500], ['58', 500],
    ['F0', 500], ['HV', 500], ['P0', 500], ['XX', 500],
  ]
  return prefixes.find(([prefix]) => code.startsWith(prefix))?.[1] ?? 400
}

interface RaisedResponse {
  code: string
  message: string
  details?: string
  hint?: string
}

/**
 * `RAISE SQLSTATE 'PGRST' USING message = '{"code":..}', detail = '{"status":..,"headers":{..}}'`
 * lets a function choose the whole error response.
 */
function fromRaisedPgrst(error: pg.DatabaseError): RestError {
  try {
    const body = JSON.parse(error.message) as RaisedResponse
    const response = JSON.parse(error.detail ?? '') as { status: number, headers?: Record<string, string> }
    if (typeof body.code !== 'string' || typeof body.message !== 'string' || typeof response.status !== 'number')
      throw new TypeError('missing keys')
    const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]))
    return new RestError(response.status, body.code, body.message, body.details ?? null, body.hint ?? null, headers)
  }
  catch {
    return new RestError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', null,
      'MESSAGE must be a JSON object with obligatory keys: \'code\', \'message\' and optional keys: \'details\', \'hint\'.')
  }
}

function isConnectionError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown, message?: unknown }
  return (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    || (typeof message === 'string' && /^Connection terminated|not queryable/.test(message))
}

/**
 * A PostgreSQL error as PostgREST forwards it, or 503 when the database cannot be reached.
 * Anything else is a bug here and is rethrown (the gateway answers 500 and logs it).
 */
export function fromDatabaseError(error: unknown, authenticated: boolean): RestError {
  if (error instanceof RestError)
    return error
  if (error instanceof pg.DatabaseError && error.code) {
    if (error.code === 'PGRST')
      return fromRaisedPgrst(error)
    const status = statusForSqlState(error.code, error.message, authenticated)
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {}
    return new RestError(status, error.code, error.message, error.detail ?? null, error.hint ?? null, headers)
  }
  if (isConnectionError(error))
    return new RestError(503, 'PGRST000', 'Database connection error.', (error as Error).message)
  throw error
}
