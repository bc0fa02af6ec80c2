import { AuthApiError, AuthRetryableFetchError } from '@supabase/auth-js'
import type { AuthChangeEvent, Session } from '@supabase/auth-js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { onSessionChange, restoreSession, signOut } from '@/api/auth'
import { authClient } from '@/api/supabase'
import { storageKeys } from '@/shared/constants'

// The network edge: the auth client, and the storage it keeps the session in.
vi.mock('@/api/supabase', () => ({
  authClient: { getSession: vi.fn(), signOut: vi.fn(), onAuthStateChange: vi.fn() },
}))

const client = vi.mocked(authClient)

/** What supabase-js keeps in localStorage: here with an access token that expired an hour ago. */
const expired = {
  access_token: 'expired-access-token',
  refresh_token: 'refresh-token',
  token_type: 'bearer',
  expires_in: 3600,
  expires_at: Math.floor(Date.now() / 1000) - 3600,
  user: { id: 'rep-1', email: 'rep1@demo.pronto.test', aud: 'authenticated', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z' },
} satisfies Session

function fakeStorage(initial: Record<string, string>): Storage {
  const items = new Map(Object.entries(initial))
  return {
    getItem: key => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: key => void items.delete(key),
    clear: () => items.clear(),
    key: index => [...items.keys()][index] ?? null,
    get length() { return items.size },
  }
}

const noNetwork = () => new AuthRetryableFetchError('Failed to fetch', 0)
const answers = (session: Session | null, error: Error | null = null) =>
  ({ data: { session }, error }) as Awaited<ReturnType<typeof authClient.getSession>>

describe('restoring the session when the app opens', () => {
  let storage: Storage

  beforeEach(() => {
    vi.resetAllMocks()
    storage = fakeStorage({ [storageKeys.authSession]: JSON.stringify(expired) })
    vi.stubGlobal('localStorage', storage)
    vi.stubGlobal('navigator', { onLine: true })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('keeps the stored session when its expired token cannot be refreshed for want of network', async () => {
    // What supabase-js answers: no session and a retryable error, the session left in storage.
    client.getSession.mockResolvedValue(answers(null, noNetwork()))
    const session = await restoreSession()
    expect(session?.user.id).toBe('rep-1')
    expect(session?.refresh_token).toBe('refresh-token')
  })

  it('does not wait for the refresh when the phone is offline', async () => {
    vi.stubGlobal('navigator', { onLine: false })
    // supabase-js retries a refresh with no network for ~25 s before it answers.
    client.getSession.mockReturnValue(new Promise(() => {}))
    expect((await restoreSession())?.user.id).toBe('rep-1')
  })

  it('goes on with the stored session when the refresh gets no answer in time', async () => {
    client.getSession.mockReturnValue(new Promise(() => {}))
    expect((await restoreSession({ waitMs: 20 }))?.user.id).toBe('rep-1')
  })

  it('answers the refreshed session when the server gives one', async () => {
    const fresh = { ...expired, access_token: 'fresh', expires_at: expired.expires_at + 7200 }
    client.getSession.mockResolvedValue(answers(fresh))
    expect((await restoreSession())?.access_token).toBe('fresh')
  })

  it('signs out when the auth server refuses the refresh token', async () => {
    client.getSession.mockImplementation(async () => {
      // supabase-js forgets a session whose refresh the server refused.
      storage.removeItem(storageKeys.authSession)
      return answers(null, new AuthApiError('Invalid Refresh Token: Refresh Token Not Found', 400, 'refresh_token_not_found'))
    })
    await expect(restoreSession()).rejects.toMatchObject({ name: 'AuthFailure', reason: 'unknown' })
  })

  it('keeps no stored value that is not a session, and answers null when nothing is stored', async () => {
    client.getSession.mockResolvedValue(answers(null, noNetwork()))
    storage.setItem(storageKeys.authSession, JSON.stringify({ access_token: 'x' }))
    await expect(restoreSession()).rejects.toMatchObject({ reason: 'offline' })
    client.getSession.mockResolvedValue(answers(null))
    storage.removeItem(storageKeys.authSession)
    expect(await restoreSession()).toBeNull()
  })

  it('leaves the initial session to restoreSession: the client reports none while offline', () => {
    let emit: (event: AuthChangeEvent, session: Session | null) => void = () => {}
    client.onAuthStateChange.mockImplementation((callback) => {
      emit = callback as typeof emit
      return { data: { subscription: { id: 's', callback: () => {}, unsubscribe: () => {} } } } as never
    })
    const seen = vi.fn()
    onSessionChange(seen)
    emit('INITIAL_SESSION', null)
    emit('TOKEN_REFRESHED', expired)
    emit('SIGNED_OUT', null)
    expect(seen.mock.calls).toEqual([[expired], [null]])
  })
})

describe('signing out of this phone', () => {
  let storage: Storage

  beforeEach(() => {
    vi.resetAllMocks()
    storage = fakeStorage({})
    vi.stubGlobal('localStorage', storage)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('answers whether the server was told; with no network the phone is signed out all the same', async () => {
    client.signOut.mockResolvedValue({ error: null })
    expect(await signOut()).toBe(true)
    expect(client.signOut).toHaveBeenCalledWith({ scope: 'local' })
    // Scope 'local' forgets the session before calling the server.
    client.signOut.mockResolvedValue({ error: noNetwork() })
    expect(await signOut()).toBe(false)
  })

  it('fails when the session is still on the phone afterwards', async () => {
    storage.setItem(storageKeys.authSession, JSON.stringify(expired))
    client.signOut.mockResolvedValue({ error: noNetwork() })
    await expect(signOut()).rejects.toMatchObject({ reason: 'offline' })
  })
})
