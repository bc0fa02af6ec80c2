import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { toTakenAway } from '@/api/live'
import type { LeadTakenAway, LiveHandlers, LiveStatus } from '@/api/live'
import { sharedFollower } from '@/composables/useLiveLeads'
import type { LiveQueueHandlers } from '@/composables/useLiveLeads'

// The app's client is never reached: the subscription is handed in.
vi.mock('@/api/supabase', () => ({}))

/** A stand-in for the realtime subscription: records joins and leaves, and lets a test send events. */
function fakeServer() {
  const joins: string[] = []
  const leaves: string[] = []
  let handlers: LiveHandlers | undefined
  let report: ((status: LiveStatus) => void) | undefined
  const subscribe = (memberId: string, given: LiveHandlers, onStatus: (status: LiveStatus) => void = () => {}) => {
    joins.push(memberId)
    handlers = given
    report = onStatus
    return () => void leaves.push(memberId)
  }
  return { joins, leaves, subscribe, send: (notice: LeadTakenAway) => handlers!.onTakenAway(notice), report: (status: LiveStatus) => report!(status) }
}

const user = () => ({
  onChange: vi.fn<LiveQueueHandlers['onChange']>(),
  onTakenAway: vi.fn<LiveQueueHandlers['onTakenAway']>(),
  onResubscribed: vi.fn<LiveQueueHandlers['onResubscribed']>(),
})

const notice: LeadTakenAway = { leadIds: ['l1'], reason: 'reassigned', at: '2026-11-23T10:00:00.000Z' }

describe('the shared live subscription', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('is joined once while pages hand it on, and left a little after the last one goes', async () => {
    const server = fakeServer()
    const acquire = sharedFollower(server.subscribe)
    const home = user()
    const releaseHome = acquire('rep-1', home)
    // Navigating to a lead: the new page takes it before the old one lets go.
    const leadPage = user()
    const releaseLead = acquire('rep-1', leadPage)
    releaseHome()
    server.send(notice)
    expect(leadPage.onTakenAway).toHaveBeenCalledWith(notice)
    expect(home.onTakenAway).not.toHaveBeenCalled()

    // Vue mounts the next page only after unmounting the last: the linger bridges the gap.
    releaseLead()
    await vi.advanceTimersByTimeAsync(500)
    const back = user()
    const releaseBack = acquire('rep-1', back)
    await vi.advanceTimersByTimeAsync(5000)
    expect(server.joins).toEqual(['rep-1'])
    expect(server.leaves).toEqual([])
    server.report('SUBSCRIBED')
    server.report('CHANNEL_ERROR')
    server.report('SUBSCRIBED')
    expect(back.onResubscribed).toHaveBeenCalledTimes(1)

    releaseBack()
    releaseBack()
    await vi.advanceTimersByTimeAsync(5000)
    expect(server.leaves).toEqual(['rep-1'])
  })

  it('tells a page that joined late when it first comes up, and only then', () => {
    const server = fakeServer()
    const acquire = sharedFollower(server.subscribe)
    const late = { ...user(), onSubscribed: vi.fn() }
    acquire('rep-1', late)
    expect(late.onSubscribed).not.toHaveBeenCalled()
    server.report('SUBSCRIBED')
    expect(late.onSubscribed).toHaveBeenCalledTimes(1)
    // A drop and return is a resubscription, not a first join.
    server.report('CHANNEL_ERROR')
    server.report('SUBSCRIBED')
    expect(late.onSubscribed).toHaveBeenCalledTimes(1)
    expect(late.onResubscribed).toHaveBeenCalledTimes(1)
  })

  it('follows a change of member at once', () => {
    const server = fakeServer()
    const acquire = sharedFollower(server.subscribe)
    acquire('rep-1', user())
    const second = user()
    acquire('rep-2', second)
    expect(server.joins).toEqual(['rep-1', 'rep-2'])
    expect(server.leaves).toEqual(['rep-1'])
    server.send(notice)
    expect(second.onTakenAway).toHaveBeenCalledWith(notice)
  })
})

describe('a taken-away notice from realtime', () => {
  it('is read from the row, and anything unexpected is ignored', () => {
    const row = { id: 7, org_id: 'o', member_id: 'm', lead_ids: ['l1', 'l2'], kind: 'taken_away', reason: 'escalated', created_at: '2026-11-23T10:00:00+00:00' }
    expect(toTakenAway(row)).toEqual({ leadIds: ['l1', 'l2'], reason: 'escalated', at: '2026-11-23T10:00:00+00:00' })
    expect(toTakenAway({ ...row, reason: 'gone fishing' })).toBeNull()
    expect(toTakenAway({ ...row, kind: 'other' })).toBeNull()
    expect(toTakenAway({ ...row, lead_ids: [] })).toBeNull()
    expect(toTakenAway({ ...row, lead_ids: 'l1' })).toBeNull()
  })
})
