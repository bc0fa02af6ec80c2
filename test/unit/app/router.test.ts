import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import * as auth from '@/api/auth'
import type { Session } from '@/api/auth'
import { createAppRouter, safeRedirect } from '@/router'

vi.mock('@/api/auth', () => ({
  signIn: vi.fn(),
  signOut: vi.fn(),
  restoreSession: vi.fn(),
  onSessionChange: vi.fn(() => () => {}),
}))
// The pages the routes load reach the client; no server (or WebSocket) here.
vi.mock('@/api/supabase', () => ({}))

const api = vi.mocked(auth)
const signedIn = { access_token: 't', user: { id: 'u1', email: 'rep1@demo.pronto.test' } } as Session

describe('router guards', () => {
  beforeEach(() => {
    vi.clearAllMocks()
    setActivePinia(createPinia())
    // The router sets the document title after each navigation; tests run in Node.
    vi.stubGlobal('document', { title: '' })
  })

  async function visit(path: string, session: Session | null) {
    api.restoreSession.mockResolvedValue(session)
    const router = createAppRouter(createMemoryHistory())
    await router.push(path)
    return router.currentRoute.value
  }

  it('sends a signed-out visitor to sign-in, remembering where they were going', async () => {
    expect((await visit('/', null)).name).toBe('sign-in')
    const deep = await visit('/?tab=queue', null)
    expect(deep.name).toBe('sign-in')
    expect(deep.query.redirect).toBe('/?tab=queue')
    // Unknown paths fall back to home first, so they end on sign-in too.
    expect((await visit('/no-such-page', null)).name).toBe('sign-in')
  })

  it('lets a signed-in rep reach home, and sends them away from sign-in', async () => {
    expect((await visit('/', signedIn)).name).toBe('home')
    expect((await visit('/sign-in', signedIn)).name).toBe('home')
    expect(document.title).toBe('Next lead · Pronto')
  })

  it('accepts only same-app paths as redirect targets', () => {
    expect(safeRedirect('/lead/42')).toBe('/lead/42')
    expect(safeRedirect('//evil.example')).toEqual({ name: 'home' })
    expect(safeRedirect('https://evil.example')).toEqual({ name: 'home' })
    expect(safeRedirect(undefined)).toEqual({ name: 'home' })
    expect(safeRedirect(['/a'])).toEqual({ name: 'home' })
  })
})
