import type { PostgrestError } from '@supabase/postgrest-js'

/**
 * What went wrong with a call to the API, as far as retrying goes:
 * - `network`: no answer at all (offline, DNS, connection reset): try again later
 * - `auth`: the access token was refused (expired): refresh the session, then try again
 * - `server`: the server failed or asked to slow down (5xx, 408, 429): back off and retry
 * - `rejected`: the server understood and said no (other 4xx): retrying changes nothing
 */
export type ApiErrorKind = 'network' | 'auth' | 'server' | 'rejected'

/** A failed API call; `message` is the server's (e.g. "lead_id: the lead is not assigned to you"). */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'ApiError'
  }
}

export function errorKind(status: number): ApiErrorKind {
  if (status === 0)
    return 'network'
  if (status === 401)
    return 'auth'
  if (status === 408 || status === 425 || status === 429 || status >= 500)
    return 'server'
  return 'rejected'
}

/** Turns a PostgREST error and the response status into an ApiError (postgrest-js reports network failures as status 0). */
export function toApiError(error: PostgrestError, status: number): ApiError {
  return new ApiError(errorKind(status), error.message, status, error.code ?? '', { cause: error })
}

/** Whether trying the same call again later can succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError ? error.kind !== 'rejected' : true
}

interface PostgrestAnswer {
  data: unknown
  error: PostgrestError | null
  status: number
}

/** Awaits a postgrest-js query and returns its data typed as `T`, or throws an ApiError. */
export async function unwrap<T>(query: PromiseLike<PostgrestAnswer>): Promise<T> {
  const { data, error, status } = await query
  if (error)
    throw toApiError(error, status)
  return data as T
}
