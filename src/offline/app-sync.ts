// The app's side of the sync engine: its outbox, its client, its session.
import { AuthFailure, getSession, refreshSession } from '../api/auth'
import type { Session } from '../api/auth'
import { restClient } from '../api/supabase'
import { idbOutbox } from './outbox'
import { outboxLock, runExclusive } from './lock'
import { flushOutbox } from './sync'
import type { FlushReport, SessionState } from './sync'
import { supabaseTransport } from './transport'
import { saveWorkerSession } from './worker-session'

async function prepareSession(userId: string): Promise<SessionState> {
  try {
    // getSession() refreshes an expired access token before answering.
    const session = await getSession()
    return session?.user.id === userId ? 'ready' : 'signed-out'
  }
  catch (error) {
    return error instanceof AuthFailure && error.reason === 'offline' ? 'offline' : 'signed-out'
  }
}

async function renewSession(): Promise<boolean> {
  try {
    return (await refreshSession()) !== null
  }
  catch (error) {
    if (error instanceof AuthFailure && error.reason === 'offline')
      throw error
    return false
  }
}

/** Sends the member's outbox from this window (one flush at a time across windows and the worker). */
export function flushAppOutbox(userId: string): Promise<FlushReport> {
  return runExclusive(outboxLock, () => flushOutbox({
    outbox: idbOutbox,
    transport: supabaseTransport(restClient),
    userId,
    prepareSession: () => prepareSession(userId),
    refreshSession: renewSession,
    isOnline: () => navigator.onLine,
  }))
}

/** Keeps the worker's copy of the access token current (null on sign-out). */
export function shareSessionWithWorker(session: Session | null): Promise<void> {
  if (!session)
    return saveWorkerSession(null)
  return saveWorkerSession({
    userId: session.user.id,
    accessToken: session.access_token,
    expiresAt: session.expires_at ?? 0,
    apiUrl: import.meta.env.VITE_SUPABASE_URL,
    anonKey: import.meta.env.VITE_SUPABASE_ANON_KEY,
  })
}
