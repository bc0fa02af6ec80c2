import type { IncomingMessage, ServerResponse } from 'node:http'

/** The API version auth-js sends; GoTrue answers errors in the newer `{code, message}` shape from it on. */
export const apiVersion = '2024-01-01'
const apiVersionHeader = 'x-supabase-api-version'

/** An error GoTrue would answer with: HTTP status, machine-readable code and message. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level body fields, e.g. `weak_password`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/** OAuth-style errors (`{error, error_description}`), which GoTrue sends for malformed token requests. */
export class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description)
  }
}

export const invalidCredentials = () => new AuthError(400, 'invalid_credentials', 'Invalid login credentials')
export const validationFailed = (message: string) => new AuthError(400, 'validation_failed', message)

function requestedVersion(req: IncomingMessage): string | undefined {
  const value = req.headers[apiVersionHeader]
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined
}

/**
 * Writes an error as GoTrue does: `{code, message}` plus an echoed `X-Supabase-Api-Version` when the
 * client asked for 2024-01-01 or later (auth-js always does), the legacy `{code: status, error_code, msg}` otherwise.
 */
export function sendAuthError(req: IncomingMessage, res: ServerResponse, error: AuthError | OAuthError, headers: Record<string, string>): void {
  if (error instanceof OAuthError) {
    res.writeHead(400, { ...headers, 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: error.error, error_description: error.description }))
    return
  }
  const version = requestedVersion(req)
  const modern = version !== undefined && version >= apiVersion
  const body = modern
    ? { code: error.code, message: error.message, ...error.extra }
    : { code: error.status, error_code: error.code, msg: error.message, ...error.extra }
  res.writeHead(error.status, {
    ...headers,
    'content-type': 'application/json',
    'x-sb-error-code': error.code,
    ...(modern ? { [apiVersionHeader]: apiVersion } : {}),
  })
  res.end(JSON.stringify(body))
}
