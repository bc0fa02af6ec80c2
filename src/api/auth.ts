import { isAuthApiError, isAuthRetryableFetchError } from '@supabase/auth-js'
import type { AuthError, Session } from '@supabase/auth-js'
import { storageKeys } from '@/shared/constants'
import { authClient } from './supabase'

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
  const { data, error } = await authClient.signInWithPassword({ email, password })
  if (error)
    fail(error)
  return data.session
}

/**
 * Signs out this device only: a rep's other devices stay signed in. Resolves false when the
 * server could not be reached to revoke the session: the device is signed out all the same (with
 * scope 'local' the client forgets the session before it calls the server), and the refresh
 * token it no longer holds stays valid on the server until it expires.
 */
export async function signOut(): Promise<boolean> {
  const { error } = await authClient.signOut({ scope: 'local' })
  if (!error)
    return true
  if (isAuthRetryableFetchError(error) && !storedSession())
    return false
  fail(error)
}

/** The persisted session (refreshed first if its access token has expired), or null. */
export async function getSession(): Promise<Session | null> {
  const { data, error } = await authClient.getSession()
  if (error)
    fail(error)
  return data.session
}

// Opening the app waits this long for an expired access token to be refreshed before it goes on
// with the stored session; supabase-js keeps retrying a refresh that finds no network for ~25 s.
const restoreWaitMs = 3000

function isSession(value: unknown): value is Session {
  const session = value as Partial<Session> | null
  return typeof session?.access_token === 'string' && typeof session.refresh_token === 'string'
    && typeof session.expires_at === 'number' && typeof session.user?.id === 'string'
}

/** The session as the client last stored it, not refreshed (its access token may have expired). */
function storedSession(): Session | null {
  try {
    const stored: unknown = JSON.parse(globalThis.localStorage?.getItem(storageKeys.authSession) ?? 'null')
    return isSession(stored) ? stored : null
  }
  catch {
    return null
  }
}

/**
 * The session kept from the last run, for opening the app: like getSession(), but when an
 * expired access token cannot be refreshed for want of network (offline, no answer within a few
 * seconds) it answers the stored session as it is. The client keeps that session and refreshes
 * it once the network is back (reported through onSessionChange); meanwhile the rep works from the
 * phone's cache and the outbox. Null when there is none or the auth server refused the refresh
 * (the client then forgets it); throws an AuthFailure for other failures.
 */
export async function restoreSession(options: { waitMs?: number } = {}): Promise<Session | null> {
  const stored = storedSession()
  const refreshed = getSession()
  if (!stored)
    return refreshed
  // Settled in the background once the answer below no longer waits for it.
  refreshed.catch(() => {})
  if (globalThis.navigator?.onLine === false)
    return stored
  let timer: ReturnType<typeof setTimeout> | undefined
  const gaveUp = new Promise<Session>((resolve) => {
    timer = setTimeout(() => resolve(stored), options.waitMs ?? restoreWaitMs)
  })
  try {
    return await Promise.race([refreshed, gaveUp])
  }
  catch (error) {
    if (error instanceof AuthFailure && error.reason === 'offline')
      return stored
    throw error
  }
  finally {
    clearTimeout(timer)
  }
}

/** Exchanges the refresh token for a new access token now (the server refused the current one). */
export async function refreshSession(): Promise<Session | null> {
  const { data, error } = await authClient.refreshSession()
  if (error)
    fail(error)
  return data.session
}

/** Calls back on every sign-in, sign-out and token refresh; returns the unsubscribe function. */
export function onSessionChange(callback: (session: Session | null) => void): () => void {
  // Only record the session here: supabase-js holds a lock while it runs this callback.
  // The initial session is restoreSession()'s to answer: the client reports none while it cannot
  // refresh an expired token offline, though the session is kept and will be refreshed.
  const { data } = authClient.onAuthStateChange((event, session) => {
    if (event !== 'INITIAL_SESSION')
      callback(session)
  })
  return () => data.subscription.unsubscribe()
}
