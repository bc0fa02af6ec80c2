import { isAuthApiError, isAuthRetryableFetchError } from '@supabase/supabase-js'
import type { AuthError, Session } from '@supabase/supabase-js'
import { supabase } from './supabase'

export type { Session }

export type AuthFailureReason = 'invalid-credentials' | 'email-not-confirmed' | 'rate-limited' | 'offline' | 'unknown'

const messages: Record<AuthFailureReason, string> = {
  'invalid-credentials': 'Wrong email or password. Check both and try again.',
  'email-not-confirmed': 'This email address is not confirmed yet. Ask your manager to confirm it.',
  'rate-limited': 'Too many attempts. Wait a minute, then try again.',
  'offline': 'Pronto cannot be reached. Check your connection and try again.',
  'unknown': 'Something went wrong. Try again in a moment.',
}

/** An auth call that failed; `message` is written for the person using the app. */
export class AuthFailure extends Error {
  constructor(readonly reason: AuthFailureReason, options?: { cause?: unknown }) {
    super(messages[reason], options)
    this.name = 'AuthFailure'
  }
}

function reasonFor(error: AuthError): AuthFailureReason {
  if (isAuthRetryableFetchError(error))
    return 'offline'
  if (isAuthApiError(error)) {
    if (error.code === 'invalid_credentials')
      return 'invalid-credentials'
    if (error.code === 'email_not_confirmed')
      return 'email-not-confirmed'
    if (error.status === 429 || error.code === 'over_request_rate_limit')
      return 'rate-limited'
  }
  return 'unknown'
}

function fail(error: AuthError): never {
  throw new AuthFailure(reasonFor(error), { cause: error })
}

/** Signs in with email and password; the session is persisted by the client. */
export async function signIn(email: string, password: string): Promise<Session> {
  const { data, error } = await supabase.auth.signInWithPassword({ email, password })
  if (error)
    fail(error)
  return data.session
}

/** Signs out this device only: a rep's other devices stay signed in. */
export async function signOut(): Promise<void> {
  const { error } = await supabase.auth.signOut({ scope: 'local' })
  if (error)
    fail(error)
}

/** The persisted session (refreshed first if its access token has expired), or null. */
export async function getSession(): Promise<Session | null> {
  const { data, error } = await supabase.auth.getSession()
  if (error)
    fail(error)
  return data.session
}

/** Exchanges the refresh token for a new access token now (the server refused the current one). */
export async function refreshSession(): Promise<Session | null> {
  const { data, error } = await supabase.auth.refreshSession()
  if (error)
    fail(error)
  return data.session
}

/** Calls back on every sign-in, sign-out and token refresh; returns the unsubscribe function. */
export function onSessionChange(callback: (session: Session | null) => void): () => void {
  // Only record the session here: supabase-js holds a lock while it runs this callback.
  const { data } = supabase.auth.onAuthStateChange((_event, session) => callback(session))
  return () => data.subscription.unsubscribe()
}
