// Calls to the edge functions the PWA uses with the signed-in user's JWT (manager-nudge,
// reassign-lead, send-test-push): their answers typed, their refusals as ApiErrors.
import { FunctionsHttpError } from '@supabase/functions-js'
import { ApiError, errorKind } from './errors'
import { functionsClient } from './supabase'

/** The error an edge function answered (`{"error": {"code", "message"}}`), as an ApiError. */
export async function functionError(error: Error): Promise<ApiError> {
  if (!(error instanceof FunctionsHttpError))
    return new ApiError('network', error.message, 0, '', { cause: error })
  const response = error.context as Response
  const body = await response.json().catch(() => null) as { error?: { code?: string, message?: string } } | null
  return new ApiError(errorKind(response.status), body?.error?.message ?? error.message, response.status, body?.error?.code ?? '', { cause: error })
}

/** POSTs `body` to the function `name` and returns its JSON answer; throws an ApiError for a refusal or no answer. */
export async function invokeFunction<T>(name: string, body: Record<string, unknown>): Promise<T> {
  const { data, error } = await functionsClient.invoke<T>(name, { body })
  if (error)
    throw await functionError(error)
  return data!
}
