import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Session } from '@/api/auth'
import * as appSync from '@/offline/app-sync'
import type { FlushReport } from '@/offline/sync'
import { useOutboxStore } from '@/stores/outbox'
import { useSessionStore } from '@/stores/session'
import type * as OutboxModule from '@/offline/outbox'
import { memoryOutbox } from '../offline/memory-outbox.ts'
import type { MemoryOutbox } from '../offline/memory-outbox.ts'

const outbox = vi.hoisted(() => ({ current: undefined as MemoryOutbox | undefined }))

vi.mock('@/api/auth', () => ({ signIn: vi.fn(), signOut: vi.fn(), restoreSession: vi.fn(), onSessionChange: vi.fn(() => () => {}) }))
vi.mock('@/offline/app-sync', () => ({ flushAppOutbox: vi.fn(), shareSessionWithWorker: vi.fn(async () => {}) }))
vi.mock('@/offline/background-sync', () => ({ requestOutboxSync: vi.fn(async () => true) }))
vi.mock('@/offline/outbox', async importOriginal => ({
  ...await importOriginal<typeof OutboxModule>(),
  idbOutbox: {
    enqueue: (...args: Parameters<NonNullable<typeof outbox.current>['enqueue']>) => outbox.current!.enqueue(...args),
    list: (userId: string) => outbox.current!.list(userId),
    markRejected: (id: string, error: string) => outbox.current!.markRejected(id, error),
    remove: (ids: readonly string[]) => outbox.current!.remove(ids),
  },
  onOutboxChangedElsewhere: () => () => {},
}))

const flush = vi.mocked(appSync.flushAppOutbox)
const report = (partial: Partial<FlushReport> = {}): FlushReport => ({ confirmed: [], rejected: [], remaining: 0, stopped: null, ...partial })

function signIn(id: string): void {
  useSessionStore().session = { access_token: 't', user: { id, email: `${id}@demo.pronto.test` } } as Session
}

describe('outbox store', () => {
  beforeEach(() => {
    vi.clearAllMocks()
    vi.useRealTimers()
    setActivePinia(createPinia())
    outbox.current = memoryOutbox()
    flush.mockResolvedValue(report())
  })

  it('stores a write for the signed-in rep with a device id, counts it and sends it at once', async () => {
    signIn('rep-1')
    const store = useOutboxStore()
    const item = await store.enqueue({ kind: 'disposition', label: 'No answer for Priya', payload: { lead_id: 'l1', outcome: 'no_answer', notes: null, callback_at: null, channel: 'phone', occurred_at: '2026-11-23T10:00:00Z' } })
    expect(item.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(item.userId).toBe('rep-1')
    expect(store.pendingCount).toBe(1)
    expect([...store.leadsWithPendingOutcome]).toEqual(['l1'])
    await vi.waitFor(() => expect(flush).toHaveBeenCalledWith('rep-1'))
  })

  it('refuses to record anything when nobody is signed in', async () => {
    const store = useOutboxStore()
    await expect(store.enqueue({ kind: 'availability', label: 'Break', payload: { status: 'break' } })).rejects.toThrow('Not signed in')
    expect(outbox.current!.items.size).toBe(0)
  })

  it('folds triggers that arrive during a flush into one more flush', async () => {
    signIn('rep-1')
    const store = useOutboxStore()
    let release!: () => void
    flush.mockImplementationOnce(() => new Promise(resolve => (release = () => resolve(report()))))
    const first = store.sync()
    const second = store.sync()
    const third = store.sync()
    expect(store.syncing).toBe(true)
    release()
    await Promise.all([first, second, third])
    expect(flush).toHaveBeenCalledTimes(2)
    expect(store.syncing).toBe(false)
    // And the next one starts afresh.
    await store.sync()
    expect(flush).toHaveBeenCalledTimes(3)
  })

  it('does not flush for nobody, and is ready for the next trigger after', async () => {
    const store = useOutboxStore()
    expect(await store.sync()).toBeNull()
    signIn('rep-1')
    await store.sync()
    expect(flush).toHaveBeenCalledTimes(1)
  })

  it('shows rejected writes until the rep dismisses them', async () => {
    signIn('rep-1')
    const store = useOutboxStore()
    const item = await store.enqueue({ kind: 'contact_attempt', label: 'Call to Marcus', payload: { lead_id: 'l2', occurred_at: '2026-11-23T10:00:00Z', channel: 'phone' } })
    await outbox.current!.markRejected(item.id, 'lead_id: the lead is not assigned to you')
    await store.reload()
    expect(store.pendingCount).toBe(0)
    expect(store.rejected.map(entry => entry.error)).toEqual(['lead_id: the lead is not assigned to you'])
    await store.dismiss(item.id)
    expect(store.rejected).toEqual([])
    expect(outbox.current!.items.size).toBe(0)
  })

  it('never dismisses a write that is still pending', async () => {
    signIn('rep-1')
    const store = useOutboxStore()
    const item = await store.enqueue({ kind: 'availability', label: 'Break', payload: { status: 'break' } })
    await store.dismiss(item.id)
    expect(outbox.current!.items.has(item.id)).toBe(true)
  })

  it('tries again later when the server was unavailable', async () => {
    vi.useFakeTimers()
    signIn('rep-1')
    const store = useOutboxStore()
    flush.mockResolvedValueOnce(report({ stopped: 'unavailable', remaining: 1 }))
    await store.sync()
    expect(flush).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(flush).toHaveBeenCalledTimes(2)
  })

  describe('after network failures', () => {
    afterEach(() => {
      vi.unstubAllGlobals()
      vi.restoreAllMocks()
    })

    it('tries again with growing delays while the phone says it is online, and stops once it goes through', async () => {
      vi.useFakeTimers()
      vi.stubGlobal('navigator', { onLine: true })
      signIn('rep-1')
      const store = useOutboxStore()
      // No jitter here: the delays are 5 s, then 10 s, then 20 s.
      vi.spyOn(Math, 'random').mockReturnValue(1)
      flush.mockResolvedValue(report({ stopped: 'offline', remaining: 1 }))
      await store.sync()
      await vi.advanceTimersByTimeAsync(5_000)
      expect(flush).toHaveBeenCalledTimes(2)
      await vi.advanceTimersByTimeAsync(9_999)
      expect(flush).toHaveBeenCalledTimes(2)
      await vi.advanceTimersByTimeAsync(1)
      expect(flush).toHaveBeenCalledTimes(3)

      flush.mockResolvedValue(report())
      await vi.advanceTimersByTimeAsync(20_000)
      expect(flush).toHaveBeenCalledTimes(4)
      await vi.advanceTimersByTimeAsync(120_000)
      expect(flush).toHaveBeenCalledTimes(4)
    })

    it('leaves it to the reconnect trigger when the phone is offline', async () => {
      vi.useFakeTimers()
      vi.stubGlobal('navigator', { onLine: false })
      signIn('rep-1')
      const store = useOutboxStore()
      flush.mockResolvedValue(report({ stopped: 'offline', remaining: 1 }))
      await store.sync()
      await vi.advanceTimersByTimeAsync(120_000)
      expect(flush).toHaveBeenCalledTimes(1)
    })
  })

  it('gives the worker the current session, and takes it away on sign-out', async () => {
    signIn('rep-1')
    useOutboxStore()
    await vi.waitFor(() => expect(appSync.shareSessionWithWorker).toHaveBeenLastCalledWith(expect.objectContaining({ access_token: 't' })))
    useSessionStore().session = null
    await vi.waitFor(() => expect(appSync.shareSessionWithWorker).toHaveBeenLastCalledWith(null))
  })
})

it('the memory outbox used here behaves like the interface says', async () => {
  const box = memoryOutbox()
  await box.enqueue({ id: 'a', userId: 'u', kind: 'availability', label: '', payload: { status: 'off' } })
  expect((await box.list('u')).map(item => item.state)).toEqual(['pending'])
})
