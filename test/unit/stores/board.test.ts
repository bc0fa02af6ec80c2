import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Session } from '@/api/auth'
import type { LiveStatus } from '@/api/live'
import * as api from '@/api/manager'
import type { BoardLead, ManagerBoard, TeamMemberStatus } from '@/api/manager'
import * as memberApi from '@/api/member'
import { useBoardStore } from '@/stores/board'
import { useSessionStore } from '@/stores/session'

vi.mock('@/api/auth', () => ({ signIn: vi.fn(), signOut: vi.fn(), restoreSession: vi.fn(), onSessionChange: vi.fn(() => () => {}) }))
vi.mock('@/api/member', () => ({ fetchMemberProfile: vi.fn() }))
vi.mock('@/api/manager', () => ({
  fetchBoard: vi.fn(),
  reassignLead: vi.fn(),
  nudgeLeadOwner: vi.fn(),
  subscribeToOrganization: vi.fn(),
}))

const manager = vi.mocked(api)
const members = vi.mocked(memberApi)
const me = 'manager-1'

function boardAt(now: number, fields: Partial<ManagerBoard> = {}): ManagerBoard {
  return {
    generated_at: new Date(now).toISOString(),
    at_risk: [], at_risk_count: 0, next_risk_at: null,
    breached: [], breached_count: 0,
    unassigned: [], unassigned_count: 0,
    team: [],
    ...fields,
  }
}

const lead: BoardLead = {
  lead_id: 'lead-1', name: 'Ada Risk', company: null, tier: 'HOT', score: 90, status: 'assigned', source_name: 'Website',
  owner_id: 'rep-1', owner_name: 'Riley Chen', created_at: '2026-11-23T10:00:00Z', sla_state: 'running',
  sla_started_at: '2026-11-23T10:00:00Z', sla_due_at: '2026-11-23T10:10:00Z', sla_breached_at: null, in_fallback_queue: false,
}
const rep2: TeamMemberStatus = {
  member_id: 'rep-2', full_name: 'Sam Patel', role: 'rep', team_id: 't', availability: 'on_shift',
  availability_changed_at: '2026-11-23T08:00:00Z', capacity: 10, open_leads: 3, at_risk: 0, last_activity_at: null,
}

/** What the store gave subscribeToOrganization(), to play the server's part. */
let live: { orgId: string, onChange: () => void, onStatus: (status: LiveStatus) => void, unsubscribe: ReturnType<typeof vi.fn<() => void>> }

describe('the board store', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-23T10:00:00Z') })
    vi.clearAllMocks()
    setActivePinia(createPinia())
    useSessionStore().session = { access_token: 't', user: { id: me } } as Session
    members.fetchMemberProfile.mockResolvedValue({ id: me, org_id: 'org-1', team_id: 't', role: 'manager', full_name: 'Morgan Reyes' })
    manager.fetchBoard.mockImplementation(async () => boardAt(Date.now()))
    manager.subscribeToOrganization.mockImplementation((orgId, onChange, onStatus = () => {}) => {
      live = { orgId, onChange, onStatus, unsubscribe: vi.fn<() => void>() }
      return live.unsubscribe
    })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('follows the manager\'s organization and shows its board', async () => {
    const store = useBoardStore()
    await store.start()
    expect(live.orgId).toBe('org-1')
    expect(manager.fetchBoard).toHaveBeenCalledTimes(1)
    expect(store.board).not.toBeNull()
    live.onStatus('SUBSCRIBED')
    expect(store.live).toBe('live')
  })

  it('refreshes once per burst of live changes', async () => {
    const store = useBoardStore()
    await store.start()
    for (let i = 0; i < 5; i++) {
      live.onChange()
      await vi.advanceTimersByTimeAsync(100)
    }
    expect(manager.fetchBoard).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(400)
    expect(manager.fetchBoard).toHaveBeenCalledTimes(2)
  })

  it('looks again when the next clock enters its last quarter, on the server\'s clock', async () => {
    // The server runs 30 s ahead of the phone; the next risk is 60 s away on the server's clock.
    manager.fetchBoard.mockImplementation(async () => boardAt(Date.now() + 30_000, { next_risk_at: new Date(Date.now() + 90_000).toISOString() }))
    const store = useBoardStore()
    await store.start()
    expect(store.clockOffsetMs).toBe(30_000)
    await vi.advanceTimersByTimeAsync(59_000)
    expect(manager.fetchBoard).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1_500)
    expect(manager.fetchBoard).toHaveBeenCalledTimes(2)
  })

  it('looks again after the live connection came back (changes may have been missed)', async () => {
    const store = useBoardStore()
    await store.start()
    live.onStatus('SUBSCRIBED')
    live.onStatus('CHANNEL_ERROR')
    expect(store.live).toBe('reconnecting')
    live.onStatus('SUBSCRIBED')
    await vi.advanceTimersByTimeAsync(500)
    expect(manager.fetchBoard).toHaveBeenCalledTimes(2)
  })

  it('stops following when the page is left', async () => {
    manager.fetchBoard.mockImplementation(async () => boardAt(Date.now(), { next_risk_at: new Date(Date.now() + 5_000).toISOString() }))
    const store = useBoardStore()
    await store.start()
    store.stop()
    expect(live.unsubscribe).toHaveBeenCalled()
    live.onChange()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(manager.fetchBoard).toHaveBeenCalledTimes(1)
    expect(store.live).toBe('off')
  })

  it('keeps the last board on screen and says why when a refresh fails', async () => {
    const store = useBoardStore()
    await store.start()
    manager.fetchBoard.mockRejectedValueOnce(new Error('Failed to fetch'))
    await store.refresh()
    expect(store.error).toBe('Failed to fetch')
    expect(store.board).not.toBeNull()
  })

  it('takes a lead over, reassigns and nudges, then shows the outcome', async () => {
    const store = useBoardStore()
    await store.start()
    expect(await store.takeOver(lead)).toBe(true)
    expect(manager.reassignLead).toHaveBeenLastCalledWith('lead-1', me, 'taken over from the manager board')
    expect(store.message).toBe('You took over Ada Risk. It is in your queue now.')
    expect(await store.reassign(lead, rep2)).toBe(true)
    expect(manager.reassignLead).toHaveBeenLastCalledWith('lead-1', 'rep-2', 'reassigned from the manager board')
    expect(store.message).toBe('Ada Risk is now with Sam Patel.')
    manager.nudgeLeadOwner.mockResolvedValueOnce({ event_id: 1, lead_id: 'lead-1', owner_id: 'rep-1', occurred_at: '', push: 'sent' })
    expect(await store.nudge(lead)).toBe(true)
    expect(manager.nudgeLeadOwner).toHaveBeenCalledWith('lead-1')
    expect(store.message).toBe('Riley Chen was nudged about Ada Risk.')
    manager.nudgeLeadOwner.mockResolvedValueOnce({ event_id: 2, lead_id: 'lead-1', owner_id: 'rep-1', occurred_at: '', push: 'no_subscription' })
    await store.nudge(lead)
    expect(store.message).toBe('Riley Chen was nudged about Ada Risk (on the lead only: no phone of theirs has alerts on).')
    expect(manager.fetchBoard).toHaveBeenCalledTimes(5)
  })

  it('says what the server refused and frees the lead\'s buttons', async () => {
    const store = useBoardStore()
    await store.start()
    manager.nudgeLeadOwner.mockRejectedValueOnce(new Error('lead_id: the lead has no owner to nudge'))
    const pending = store.nudge(lead)
    expect(store.busyLeadIds).toEqual(['lead-1'])
    expect(await pending).toBe(false)
    expect(store.message).toBe('lead_id: the lead has no owner to nudge')
    expect(store.busyLeadIds).toEqual([])
  })
})
