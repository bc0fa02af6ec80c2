import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import type { Session } from '@/api/auth'
import { useSessionStore } from '@/stores/session'

vi.mock('@/api/auth', () => ({
  signIn: vi.fn(),
  signOut: vi.fn(),
  restoreSession: vi.fn(),
  onSessionChange: vi.fn(),
}))

const api = vi.mocked(auth)

function sessionFor(email: string): Session {
  return {
    access_token: `token-of-${email}`,
    refresh_token: 'refresh',
    expires_in: 3600,
    token_type: 'bearer',
    user: { id: `id-of-${email}`, email, app_metadata: {}, user_metadata: {}, aud: 'authenticated', created_at: '2025-01-01T00:00:00Z' },
  }
}

describe('session store', () => {
  let emitSession: (session: Session | null) => void
  const unsubscribe = vi.fn()

  beforeEach(() => {
    vi.resetAllMocks()
    setActivePinia(createPinia())
    api.onSessionChange.mockImplementation((callback) => {
      emitSession = callback
      return unsubscribe
    })
    api.restoreSession.mockResolvedValue(null)
  })

  it('starts signed out and not restored', () => {
    const store = useSessionStore()
    expect(store.isSignedIn).toBe(false)
    expect(store.user).toBeNull()
    expect(store.restored).toBe(false)
  })

  it('restores the session kept from the last run, once however often it is asked', async () => {
    api.restoreSession.mockResolvedValue(sessionFor('rep1@demo.pronto.test'))
    const store = useSessionStore()
    await Promise.all([store.restore(), store.restore()])
    await store.restore()
    expect(store.restored).toBe(true)
    expect(store.user?.email).toBe('rep1@demo.pronto.test')
    expect(api.restoreSession).toHaveBeenCalledTimes(1)
    expect(api.onSessionChange).toHaveBeenCalledTimes(1)
  })

  it('treats a session that cannot be read as signed out, and still finishes restoring', async () => {
    api.restoreSession.mockRejectedValue(new Error('refresh refused'))
    const store = useSessionStore()
    await store.restore()
    expect(store.restored).toBe(true)
    expect(store.isSignedIn).toBe(false)
  })

  it('stays signed in on the stored session that could not be refreshed offline, and takes the refreshed one later', async () => {
    // restoreSession() answers the stored session when its expired token cannot be refreshed offline.
    const stored = sessionFor('rep1@demo.pronto.test')
    api.restoreSession.mockResolvedValue(stored)
    const store = useSessionStore()
    await store.restore()
    expect(store.isSignedIn).toBe(true)
    expect(store.user?.id).toBe('id-of-rep1@demo.pronto.test')
    emitSession({ ...stored, access_token: 'refreshed' })
    expect(store.session?.access_token).toBe('refreshed')
  })

  it('prefers a change reported while restoring to what restoring answers', async () => {
    let answer: (session: Session | null) => void = () => {}
    api.restoreSession.mockReturnValue(new Promise((resolve) => {
      answer = resolve
    }))
    const store = useSessionStore()
    const restoring = store.restore()
    await Promise.resolve()
    emitSession(null)
    answer(sessionFor('rep1@demo.pronto.test'))
    await restoring
    expect(store.isSignedIn).toBe(false)
  })

  it('follows sign-ins, refreshes and sign-outs reported by the client', async () => {
    const store = useSessionStore()
    await store.restore()
    emitSession(sessionFor('rep2@demo.pronto.test'))
    expect(store.user?.email).toBe('rep2@demo.pronto.test')
    emitSession(null)
    expect(store.isSignedIn).toBe(false)
  })

  it('signs in with a trimmed email and keeps the session', async () => {
    api.signIn.mockResolvedValue(sessionFor('rep1@demo.pronto.test'))
    const store = useSessionStore()
    await store.signIn('  rep1@demo.pronto.test ', 'pronto-demo')
    expect(api.signIn).toHaveBeenCalledWith('rep1@demo.pronto.test', 'pronto-demo')
    expect(store.isSignedIn).toBe(true)
    expect(store.session?.access_token).toBe('token-of-rep1@demo.pronto.test')
  })

  it('passes a failed sign-in on and stays signed out', async () => {
    api.signIn.mockRejectedValue(new Error('Wrong email or password. Check both and try again.'))
    const store = useSessionStore()
    await expect(store.signIn('rep1@demo.pronto.test', 'nope')).rejects.toThrow('Wrong email or password')
    expect(store.isSignedIn).toBe(false)
  })

  it('signs out and forgets the session', async () => {
    api.signIn.mockResolvedValue(sessionFor('rep1@demo.pronto.test'))
    api.signOut.mockResolvedValue(true)
    const store = useSessionStore()
    await store.signIn('rep1@demo.pronto.test', 'pronto-demo')
    expect(await store.signOut()).toBe(true)
    expect(api.signOut).toHaveBeenCalledTimes(1)
    expect(store.isSignedIn).toBe(false)
  })

  it('signs out with no network, and says the server was not told', async () => {
    api.signIn.mockResolvedValue(sessionFor('rep1@demo.pronto.test'))
    api.signOut.mockResolvedValue(false)
    const store = useSessionStore()
    await store.signIn('rep1@demo.pronto.test', 'pronto-demo')
    expect(await store.signOut()).toBe(false)
    expect(store.isSignedIn).toBe(false)
  })

  it('keeps the session when signing out fails', async () => {
    api.signIn.mockResolvedValue(sessionFor('rep1@demo.pronto.test'))
    api.signOut.mockRejectedValue(new Error('Pronto cannot be reached.'))
    const store = useSessionStore()
    await store.signIn('rep1@demo.pronto.test', 'pronto-demo')
    await expect(store.signOut()).rejects.toThrow('cannot be reached')
    expect(store.user?.email).toBe('rep1@demo.pronto.test')
  })

  it('stops following the client and can restore again after a reset', async () => {
    api.restoreSession.mockResolvedValue(sessionFor('rep1@demo.pronto.test'))
    const store = useSessionStore()
    await store.restore()
    store.$reset()
    expect(unsubscribe).toHaveBeenCalledTimes(1)
    expect(store.isSignedIn).toBe(false)
    expect(store.restored).toBe(false)
    await store.restore()
    expect(api.restoreSession).toHaveBeenCalledTimes(2)
    expect(store.isSignedIn).toBe(true)
  })
})
