import { prontoDb } from './db'

/**
 * What the service worker needs to send the outbox when no window is open. Only the short-lived
 * access token: the worker never refreshes the session (rotating the refresh token behind the
 * app's back would sign the app out), so with an expired token it leaves the work to the app.
 */
export interface WorkerSession {
  userId: string
  accessToken: string
  /** Seconds since the epoch, as in the JWT. */
  expiresAt: number
  apiUrl: string
  anonKey: string
}

const key = 'worker-session'

export async function saveWorkerSession(session: WorkerSession | null): Promise<void> {
  const db = await prontoDb()
  if (session)
    await db.put('meta', session, key)
  else
    await db.delete('meta', key)
}

export async function loadWorkerSession(): Promise<WorkerSession | null> {
  return ((await (await prontoDb()).get('meta', key)) as WorkerSession | undefined) ?? null
}
