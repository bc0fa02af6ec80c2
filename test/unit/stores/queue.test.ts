import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Session } from '@/api/auth'
import * as api from '@/api/leads'
import type { LeadRow, QueueSummary } from '@/api/types'
import * as appSync from '@/offline/app-sync'
import type { ActiveCall, QueueSnapshot } from '@/offline/queue-cache'
import { useAvailabilityStore } from '@/stores/availability'
import { useOutboxStore } from '@/stores/outbox'
import { noticeMs, useQueueStore } from '@/stores/queue'
import { useSessionStore } from '@/stores/session'
import type * as OutboxModule from '@/offline/outbox'
import { memoryOutbox } from '../offline/memory-outbox.ts'
import type { MemoryOutbox } from '../offline/memory-outbox.ts'

const state = vi.hoisted(() => ({
  outbox: undefined as MemoryOutbox | undefined,
  snapshots: new Map<string, unknown>(),
  calls: new Map<string, unknown>(),
}))

vi.mock('@/api/auth', () => ({ signIn: vi.fn(), signOut: vi.fn(), restoreSession: vi.fn(), onSessionChange: vi.fn(() => () => {}) }))
vi.mock('@/api/leads', () => ({
  fetchNextLead: vi.fn(),
  fetchQueueSummary: vi.fn(),
  fetchOpenLeads: vi.fn(),
  fetchLead: vi.fn(),
  fetchLeadHistory: vi.fn(async () => ({ events: [], dispositions: [] })),
  fetchLeadSources: vi.fn(async () => [{ id: 'src', name: 'Website', channel: 'web_form' }]),
}))
vi.mock('@/offline/queue-cache', () => ({
  saveSnapshot: vi.fn(async (snapshot: { userId: string }) => void state.snapshots.set(snapshot.userId, snapshot)),
  loadSnapshot: vi.fn(async (userId: string) => state.snapshots.get(userId)),
  saveActiveCall: vi.fn(async (userId: string, call: unknown) => void (call ? state.calls.set(userId, call) : state.calls.delete(userId))),
  loadActiveCall: vi.fn(async (userId: string) => state.calls.get(userId) ?? null),
}))
vi.mock('@/offline/app-sync', () => ({ flushAppOutbox: vi.fn(), shareSessionWithWorker: vi.fn(async () => {}) }))
vi.mock('@/offline/background-sync', () => ({ requestOutboxSync: vi.fn(async () => true) }))
vi.mock('@/offline/outbox', async importOriginal => ({
  ...await importOriginal<typeof OutboxModule>(),
  idbOutbox: {
    enqueue: (item: Parameters<NonNullable<typeof state.outbox>['enqueue']>[0]) => state.outbox!.enqueue(item),
    list: (userId: string) => state.outbox!.list(userId),
    markRejected: (id: string, error: string) => state.outbox!.markRejected(id, error),
    remove: (ids: readonly string[]) => state.outbox!.remove(ids),
  },
  onOutboxChangedElsewhere: () => () => {},
}))

const leads = vi.mocked(api)
const me = 'rep-1'
const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString()

function lead(id: string, fields: Partial<LeadRow> = {}): LeadRow {
  return {
    id, org_id: 'org', source_id: 'src', team_id: 'team', email: `${id}@example.com`, phone: '+14155550100',
    first_name: null, last_name: null, full_name: id, company: null, title: null, industry: null, company_size: null,
    country: 'US', region: null, product_interest: null, language: 'en', message: null, utm: {}, score: 50,
    score_explanation: {}, tier: 'WARM', status: 'assigned', assigned_to: me, assigned_at: minutes(-10),
    first_contact_at: null, sla_due_at: null, sla_state: 'none', next_attempt_at: null, callback_at: null,
    attempt_count: 0, in_fallback_queue: false, reengaged_count: 0, reengaged_at: null,
    created_at: minutes(-30), updated_at: minutes(-30),
    ...fields,
  }
}

const summary = (fields: Partial<QueueSummary> = {}): QueueSummary => ({
  ready: 0, own_ready: 0, pool_ready: 0, scheduled: 0, next_scheduled_at: null, open_leads: 0,
  capacity: 10, availability: 'on_shift', upcoming_callbacks: [], generated_at: new Date().toISOString(), ...fields,
})

/** The server's view: rep-1's open leads and what next_lead() answers. */
function serverHas(open: LeadRow[], next: LeadRow | null, poolReady = 0): void {
  leads.fetchOpenLeads.mockResolvedValue(open)
  leads.fetchNextLead.mockResolvedValue(next)
  leads.fetchQueueSummary.mockResolvedValue(summary({ pool_ready: poolReady }))
}

function cache(leadsCached: LeadRow[]): void {
  const snapshot: QueueSnapshot = { userId: me, savedAt: Date.now() - 60_000, summary: summary(), nextLeadId: null, sources: [], leads: leadsCached.map(entry => ({ lead: entry, events: [], dispositions: [] })) }
  state.snapshots.set(me, snapshot)
}

function setOnline(onLine: boolean): void {
  vi.stubGlobal('navigator', { onLine })
}

const hot = lead('hot', { tier: 'HOT', score: 90 })
const warm = lead('warm', { tier: 'WARM', score: 70 })
const cold = lead('cold', { tier: 'COLD', score: 30 })

describe('queue store', () => {
  beforeEach(() => {
    vi.clearAllMocks()
    setActivePinia(createPinia())
    state.outbox = memoryOutbox()
    state.snapshots.clear()
    state.calls.clear()
    vi.mocked(appSync.flushAppOutbox).mockResolvedValue({ confirmed: [], rejected: [], remaining: 0, stopped: null })
    useSessionStore().session = { access_token: 't', user: { id: me, email: 'rep1@demo.pronto.test' } } as Session
    setOnline(true)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('shows the server\'s next lead, counts what waits behind it and caches the queue', async () => {
    serverHas([cold, warm, hot], hot, 2)
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('hot')
    expect(queue.fromDevice).toBe(false)
    expect(queue.waitingCount).toBe(4)
    expect((state.snapshots.get(me) as QueueSnapshot).leads.map(entry => entry.lead.id)).toEqual(['cold', 'warm', 'hot'])
    expect(leads.fetchLeadHistory).toHaveBeenCalledWith(['hot', 'warm', 'cold'])
  })

  it('with nothing cached, shows next_lead()\'s answer before the rest of the queue and its history arrive', async () => {
    serverHas([cold, warm, hot], hot, 2)
    let answerSummary: (value: QueueSummary) => void = () => {}
    leads.fetchQueueSummary.mockReturnValue(new Promise((resolve) => {
      answerSummary = resolve
    }))
    const queue = useQueueStore()
    const loading = queue.load()
    await vi.waitFor(() => expect(queue.shown?.lead.id).toBe('hot'))
    expect(queue.loaded).toBe(true)
    expect(queue.shown?.events).toEqual([])
    expect(queue.snapshot?.sources.map(source => source.name)).toEqual(['Website'])
    expect(state.snapshots.has(me)).toBe(false)
    answerSummary(summary({ pool_ready: 2 }))
    await loading
    expect(queue.shown?.lead.id).toBe('hot')
    expect(queue.waitingCount).toBe(4)
    expect((state.snapshots.get(me) as QueueSnapshot).leads).toHaveLength(3)
  })

  it('keeps the lead shown first when the rest of the queue cannot be loaded', async () => {
    serverHas([hot], hot)
    leads.fetchQueueSummary.mockRejectedValue(new TypeError('Failed to fetch'))
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('hot')
    expect(queue.notice).toBe('')
    expect(queue.error).toBe('')
  })

  it('takes the server\'s clock from the queue summary for the SLA countdown', async () => {
    serverHas([hot], hot)
    leads.fetchQueueSummary.mockResolvedValue(summary({ generated_at: new Date(Date.now() + 90_000).toISOString() }))
    const queue = useQueueStore()
    await queue.load()
    // The phone runs 90 s behind the server; the answer took a moment either way.
    expect(Math.abs(queue.clockOffsetMs - 90_000)).toBeLessThan(1_000)
  })

  it('with no signal, works from the cache: the best ready lead not already handled on this phone', async () => {
    setOnline(false)
    cache([cold, warm, hot, lead('later', { tier: 'HOT', score: 99, next_attempt_at: minutes(30) })])
    await state.outbox!.enqueue({ id: 'd1', userId: me, kind: 'disposition', label: '', payload: { lead_id: 'hot', outcome: 'no_answer', notes: null, callback_at: null, channel: 'phone', occurred_at: minutes(-1) } })
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('warm')
    expect(queue.fromDevice).toBe(true)
    expect(queue.waitingCount).toBe(1)
    expect(leads.fetchNextLead).not.toHaveBeenCalled()
  })

  it('records a call at once and moves straight on after the outcome (progressive mode)', async () => {
    setOnline(false)
    cache([warm, cold])
    const queue = useQueueStore()
    const outbox = useOutboxStore()
    await queue.load()
    await queue.startContact(warm, 'phone')
    expect(outbox.items.map(item => item.kind)).toEqual(['contact_attempt'])
    expect(queue.sheet?.lead.id).toBe('warm')
    expect(state.calls.get(me)).toMatchObject({ leadId: 'warm', channel: 'phone' })

    await queue.saveOutcome(warm, { outcome: 'no_answer', notes: '  ', callbackAt: minutes(60) })
    expect(queue.shown?.lead.id).toBe('cold')
    expect(queue.sheet).toBeNull()
    expect(state.calls.has(me)).toBe(false)
    const disposition = outbox.items.find(item => item.kind === 'disposition')
    // A callback time only goes with a callback; blank notes are no notes.
    expect(disposition?.payload).toMatchObject({ lead_id: 'warm', outcome: 'no_answer', notes: null, callback_at: null, channel: 'phone' })
    // Each write has its own device id: the server recognizes replays by it.
    expect(new Set(outbox.items.map(item => item.id)).size).toBe(2)
    expect(outbox.items.every(item => item.state === 'pending')).toBe(true)
  })

  it('lets the server\'s answer replace a lead picked on the phone', async () => {
    cache([warm])
    const pooled = lead('pooled', { tier: 'HOT', score: 95 })
    serverHas([warm, pooled], pooled)
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('pooled')
  })

  it('never changes the lead under the rep\'s thumb during a call; says when a lead was taken away', async () => {
    serverHas([warm, cold], warm)
    const queue = useQueueStore()
    await queue.load()
    await queue.startContact(warm, 'phone')

    // Reassigned away mid-call: the sheet stays for the outcome, and the rep is told.
    serverHas([cold], cold)
    await queue.refresh()
    expect(queue.shown?.lead.id).toBe('warm')
    expect(queue.notice).toBe('warm is no longer in your queue: reassigned or closed by someone else.')

    await queue.closeSheet()
    queue.notice = ''
    await queue.refresh()
    expect(queue.shown?.lead.id).toBe('cold')
  })

  it('keeps a lead the rep is looking at when a better one arrives, and lists the arrival', async () => {
    vi.useFakeTimers()
    serverHas([warm], warm)
    const queue = useQueueStore()
    await queue.load()
    const newcomer = lead('new-hot', { full_name: 'Zoe Quinn', tier: 'HOT', score: 97 })
    serverHas([warm, newcomer], newcomer)
    queue.onLiveChange({ type: 'INSERT', lead: newcomer, old: {} })
    queue.onLiveChange({ type: 'UPDATE', lead: newcomer, old: { id: 'new-hot' } })
    expect(queue.arrivals).toEqual([{ id: 'new-hot', name: 'Zoe Quinn', tier: 'HOT' }])
    expect(queue.notice).toBe('New lead: Zoe Quinn (HOT).')
    await vi.advanceTimersByTimeAsync(400)
    expect(leads.fetchNextLead).toHaveBeenCalledTimes(2)
    expect(queue.shown?.lead.id).toBe('warm')

    // Once the rep is done with it, the arrival is next.
    await queue.saveOutcome(warm, { outcome: 'connected', notes: '', callbackAt: null })
    await vi.advanceTimersByTimeAsync(10)
    expect(queue.shown?.lead.id).toBe('new-hot')
    expect(queue.arrivals).toEqual([])
  })

  it('changes to a known lead refresh without an arrival notice', async () => {
    vi.useFakeTimers()
    serverHas([warm], warm)
    const queue = useQueueStore()
    await queue.load()
    queue.onLiveChange({ type: 'UPDATE', lead: { ...warm, score: 75 }, old: { id: 'warm' } })
    expect(queue.arrivals).toEqual([])
    expect(queue.notice).toBe('')
  })

  it('moves on at once when the lead on screen is taken away, forgets it on the phone and says so for a while', async () => {
    serverHas([warm, cold], warm)
    const queue = useQueueStore()
    await queue.load()
    vi.useFakeTimers()
    queue.onLeadTakenAway({ leadIds: ['warm'], reason: 'reassigned', at: minutes(0) })
    expect(queue.shown?.lead.id).toBe('cold')
    expect(queue.snapshot?.leads.map(entry => entry.lead.id)).toEqual(['cold'])
    await vi.advanceTimersByTimeAsync(0)
    expect((state.snapshots.get(me) as QueueSnapshot).leads.map(entry => entry.lead.id)).toEqual(['cold'])
    expect(queue.notice).toBe('warm was reassigned to someone else.')
    expect(queue.takenAway.has('warm')).toBe(true)

    // The server's answer follows.
    serverHas([cold], cold)
    await vi.advanceTimersByTimeAsync(400)
    expect(leads.fetchNextLead).toHaveBeenCalledTimes(2)
    expect(queue.shown?.lead.id).toBe('cold')
    expect(queue.notice).toBe('warm was reassigned to someone else.')
    await vi.advanceTimersByTimeAsync(noticeMs)
    expect(queue.notice).toBe('')
  })

  it('drops a lead taken away deeper in the queue, and counts several taken in a row', async () => {
    const third = lead('third', { tier: 'COLD', score: 10 })
    serverHas([warm, cold, third], warm)
    const queue = useQueueStore()
    await queue.load()
    vi.useFakeTimers()
    queue.onLeadTakenAway({ leadIds: ['cold'], reason: 'escalated', at: minutes(0) })
    expect(queue.shown?.lead.id).toBe('warm')
    expect(queue.waitingCount).toBe(1)
    expect(queue.notice).toBe('cold went to the team\'s fallback queue: it waited too long for a call.')
    queue.onLeadTakenAway({ leadIds: ['third'], reason: 'unassigned', at: minutes(0) })
    expect(queue.notice).toBe('2 leads are no longer yours: reassigned or moved to the team\'s queue.')
    expect(queue.waitingCount).toBe(0)
    // One notice may list many leads (a bulk reassignment).
    queue.onLeadTakenAway({ leadIds: ['warm', 'elsewhere'], reason: 'reassigned', at: minutes(0) })
    expect(queue.notice).toBe('4 leads are no longer yours: reassigned or moved to the team\'s queue.')
    expect(queue.shown).toBeNull()
    expect(queue.snapshot?.leads).toEqual([])
    queue.dismissNotice()
    expect(queue.notice).toBe('')
    // A lead the phone never held is still worth a word.
    queue.onLeadTakenAway({ leadIds: ['unknown'], reason: 'unassigned', at: minutes(0) })
    expect(queue.notice).toBe('A lead went back to the team pool.')
  })

  it('keeps the lead on screen during a call on it, and tells the rep', async () => {
    serverHas([warm, cold], warm)
    const queue = useQueueStore()
    await queue.load()
    await queue.startContact(warm, 'phone')
    vi.useFakeTimers()
    queue.onLeadTakenAway({ leadIds: ['warm'], reason: 'reassigned', at: minutes(0) })
    expect(queue.shown?.lead.id).toBe('warm')
    expect(queue.sheet?.lead.id).toBe('warm')
    expect(queue.notice).toBe('warm was reassigned to someone else.')
  })

  it('does not let an answer asked for before the notice bring the lead back, until it is given back', async () => {
    serverHas([warm, cold], warm)
    const queue = useQueueStore()
    await queue.load()
    let answer!: (next: LeadRow | null) => void
    leads.fetchNextLead.mockImplementationOnce(() => new Promise((resolve) => {
      answer = resolve
    }))
    const refreshing = queue.refresh()
    await Promise.resolve()
    queue.onLeadTakenAway({ leadIds: ['warm'], reason: 'reassigned', at: minutes(0) })
    answer(warm)
    await refreshing
    expect(queue.snapshot?.leads.map(entry => entry.lead.id)).toEqual(['cold'])
    expect(queue.shown?.lead.id).toBe('cold')

    // A manager gives it back: it is the rep's again.
    queue.onLiveChange({ type: 'UPDATE', lead: { ...warm }, old: { id: 'warm' } })
    expect(queue.takenAway.has('warm')).toBe(false)
    await queue.refresh()
    expect(queue.snapshot?.leads.map(entry => entry.lead.id)).toEqual(['warm', 'cold'])
    queue.$reset() // the change's debounced refresh must not reach the next test
  })

  it('reopens the sheet after a restart in the middle of a call', async () => {
    setOnline(false)
    cache([warm, cold])
    state.calls.set(me, { leadId: 'cold', channel: 'sms', startedAt: Date.now() - 60_000 } satisfies ActiveCall)
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('cold')
    expect(queue.sheet).toMatchObject({ lead: { id: 'cold' }, channel: 'sms' })
  })

  it('falls back to the cache when the server fails, and says nothing the rep cannot act on', async () => {
    cache([warm])
    leads.fetchNextLead.mockRejectedValue(new TypeError('Failed to fetch'))
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('warm')
    expect(queue.fromDevice).toBe(true)
    expect(queue.error).toBe('')
  })

  it('works from the server alone when the phone\'s storage fails', async () => {
    const cacheModule = await import('@/offline/queue-cache')
    vi.mocked(cacheModule.loadSnapshot).mockRejectedValueOnce(new Error('QuotaExceededError'))
    vi.mocked(cacheModule.saveSnapshot).mockRejectedValueOnce(new Error('QuotaExceededError'))
    serverHas([warm], warm)
    const queue = useQueueStore()
    await queue.load()
    expect(queue.shown?.lead.id).toBe('warm')
    expect(queue.fromDevice).toBe(false)
    expect(queue.error).toBe('')
  })

  it('lists upcoming callbacks, including one recorded offline', async () => {
    setOnline(false)
    const later = lead('later', { status: 'contacted', callback_at: minutes(120) })
    cache([warm, later])
    const queue = useQueueStore()
    await queue.load()
    await queue.saveOutcome(warm, { outcome: 'callback', notes: 'after lunch', callbackAt: minutes(30) })
    expect(queue.upcomingCallbacks.map(callback => callback.leadId)).toEqual(['warm', 'later'])
  })

  it('holds back the Call button of high-value leads until the rep has read them', async () => {
    const queue = useQueueStore()
    expect(queue.isArmed(warm)).toBe(true)
    expect(queue.isArmed(hot)).toBe(false)
    queue.arm('hot')
    expect(queue.isArmed(hot)).toBe(true)
  })
})

describe('availability store', () => {
  beforeEach(() => {
    vi.clearAllMocks()
    setActivePinia(createPinia())
    state.outbox = memoryOutbox()
    state.snapshots.clear()
    vi.mocked(appSync.flushAppOutbox).mockResolvedValue({ confirmed: [], rejected: [], remaining: 0, stopped: null })
    useSessionStore().session = { access_token: 't', user: { id: me, email: 'rep1@demo.pronto.test' } } as Session
    setOnline(true)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('follows the server, shows a change at once and sends it through the outbox', async () => {
    serverHas([warm], warm)
    const queue = useQueueStore()
    const availability = useAvailabilityStore()
    expect(availability.status).toBeNull()
    await queue.load()
    expect(availability.status).toBe('on_shift')

    await availability.change('break')
    expect(availability.status).toBe('break')
    expect(availability.pending).toBe('break')
    expect(useOutboxStore().items.map(item => item.kind === 'availability' && item.payload.status)).toEqual(['break'])

    // Confirmed by the server: an older answer does not flip it back.
    await state.outbox!.remove(useOutboxStore().items.map(item => item.id))
    await useOutboxStore().reload()
    expect(availability.status).toBe('break')
    // A newer answer from the server wins.
    leads.fetchQueueSummary.mockResolvedValue(summary({ availability: 'off' }))
    await new Promise(resolve => setTimeout(resolve, 2))
    await queue.refresh()
    expect(availability.status).toBe('off')
  })

  it('does not queue a change to the value it already has', async () => {
    serverHas([warm], warm)
    await useQueueStore().load()
    await useAvailabilityStore().change('on_shift')
    expect(useOutboxStore().items).toEqual([])
  })
})
