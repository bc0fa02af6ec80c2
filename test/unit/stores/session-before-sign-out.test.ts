import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as auth from '@/api/auth'
import { useSessionStore } from '@/stores/session'

vi.mock('@/api/auth', () => ({ signIn: vi.fn(), signOut: vi.fn(), restoreSession: vi.fn(), onSessionChange: vi.fn(() => () => {}) }))

const api = vi.mocked(auth)

describe('session store: work before signing out', () => {
  beforeEach(() => {
    vi.resetAllMocks()
    setActivePinia(createPinia())
  })

  it('runs the tasks while still signed in, then signs out', async () => {
    const order: string[] = []
    api.signOut.mockImplementation(async () => {
      order.push('signed out')
      return true
    })
    const session = useSessionStore()
    session.beforeSignOut(async () => order.push('push subscription removed'))
    await session.signOut()
    expect(order).toEqual(['push subscription removed', 'signed out'])
  })

  it('signs out even when a task fails, and forgets a task that was undone', async () => {
    const session = useSessionStore()
    session.beforeSignOut(async () => Promise.reject(new Error('offline')))
    const undone = vi.fn(async () => {})
    session.beforeSignOut(undone)()
    await session.signOut()
    expect(api.signOut).toHaveBeenCalledTimes(1)
    expect(undone).not.toHaveBeenCalled()
  })
})
