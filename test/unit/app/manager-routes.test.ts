import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import * as auth from '@/api/auth'
import type { Session } from '@/api/auth'
import * as memberApi from '@/api/member'
import type { MemberRole } from '@/api/member'
import { createAppRouter } from '@/router'
import { useNoticeStore } from '@/stores/notice'

vi.mock('@/api/auth', () => ({ signIn: vi.fn(), signOut: vi.fn(), restoreSession: vi.fn(), onSessionChange: vi.fn(() => () => {}) }))
vi.mock('@/api/member', () => ({ fetchMemberProfile: vi.fn() }))
// The pages the routes load reach the client; no server (or WebSocket) here.
vi.mock('@/api/supabase', () => ({}))

const members = vi.mocked(memberApi)
const signedIn = { access_token: 't', user: { id: 'u1' } } as Session

async function visit(path: string, role: MemberRole | Error) {
  vi.mocked(auth).restoreSession.mockResolvedValue(signedIn)
  if (role instanceof Error)
    members.fetchMemberProfile.mockRejectedValue(role)
  else
    members.fetchMemberProfile.mockResolvedValue({ id: 'u1', org_id: 'o', team_id: null, role, full_name: 'Pat' })
  const router = createAppRouter(createMemoryHistory())
  await router.push(path)
  return router.currentRoute.value
}

describe('the manager screens', () => {
  beforeEach(() => {
    vi.clearAllMocks()
    setActivePinia(createPinia())
    vi.stubGlobal('document', { title: '' })
  })

  it('open for managers and admins', async () => {
    expect((await visit('/board', 'manager')).name).toBe('board')
    expect(document.title).toBe('Team board · Pronto')
    expect((await visit('/metrics', 'admin')).name).toBe('metrics')
    expect(useNoticeStore().message).toBe('')
  })

  it('send a rep to their next lead, saying why', async () => {
    expect((await visit('/board', 'rep')).name).toBe('home')
    expect(useNoticeStore().message).toMatch(/for managers/)
    expect((await visit('/metrics', 'rep')).name).toBe('home')
  })

  it('stay closed when the role cannot be checked', async () => {
    expect((await visit('/board', new Error('Failed to fetch'))).name).toBe('home')
    expect(useNoticeStore().message).toMatch(/could not check/)
  })
})
