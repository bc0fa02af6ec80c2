import { describe, expect, it, vi } from 'vitest'
import type { LeadChange, LiveStatus } from '@/api/live'
import { wantsIosInstallHint } from '@/composables/useIosInstallHint'
import { followAssignedLeads } from '@/composables/useLiveLeads'
import { watchOnline } from '@/composables/useOnline'
import { watchSyncTriggers } from '@/composables/useSyncTriggers'
import { watchVisibility } from '@/composables/useVisibility'
import { workerMessages } from '@/shared/constants'

// useLiveLeads reaches the app's client; no server (or WebSocket) here.
vi.mock('@/api/supabase', () => ({}))

class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible'
  show(state: DocumentVisibilityState): void {
    this.visibilityState = state
    this.dispatchEvent(new Event('visibilitychange'))
  }
}

describe('sync triggers', () => {
  it('flush now, on reconnect, when the app is shown again and when the worker asks; not after stop', () => {
    const window = new EventTarget()
    const document = new FakeDocument()
    const serviceWorker = new EventTarget()
    const flush = vi.fn()
    const stop = watchSyncTriggers({ window, document, serviceWorker }, flush)
    window.dispatchEvent(new Event('online'))
    document.show('hidden')
    document.show('visible')
    serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: workerMessages.flushOutbox } }))
    serviceWorker.dispatchEvent(new MessageEvent('message', { data: { type: 'SOMETHING_ELSE' } }))
    serviceWorker.dispatchEvent(new MessageEvent('message', { data: 'FLUSH_OUTBOX' }))
    expect(flush.mock.calls.map(([trigger]) => trigger)).toEqual(['start', 'online', 'visible', 'worker'])

    stop()
    window.dispatchEvent(new Event('online'))
    document.show('visible')
    expect(flush).toHaveBeenCalledTimes(4)
  })

  it('work without a service worker (iOS in a browser tab, private mode)', () => {
    const flush = vi.fn()
    watchSyncTriggers({ window: new EventTarget(), document: new FakeDocument() }, flush)
    expect(flush).toHaveBeenCalledWith('start')
  })
})

describe('online and visibility watchers', () => {
  it('report changes until stopped', () => {
    const window = new EventTarget()
    const document = new FakeDocument()
    const online = vi.fn()
    const visible = vi.fn()
    const stopOnline = watchOnline(window, online)
    const stopVisible = watchVisibility(document, visible)
    window.dispatchEvent(new Event('offline'))
    window.dispatchEvent(new Event('online'))
    document.show('hidden')
    stopOnline()
    stopVisible()
    window.dispatchEvent(new Event('offline'))
    document.show('visible')
    expect(online.mock.calls).toEqual([[false], [true]])
    expect(visible.mock.calls).toEqual([[false]])
  })
})

describe('live leads', () => {
  it('passes changes on, and asks for a reload when the subscription comes back after a drop', () => {
    let report!: (status: LiveStatus) => void
    let send!: (change: LeadChange) => void
    const unsubscribe = vi.fn()
    const onChange = vi.fn()
    const onResubscribed = vi.fn()
    const stop = followAssignedLeads('rep-1', {
      subscribe: (memberId, handlers, status) => {
        expect(memberId).toBe('rep-1')
        send = handlers.onChange
        report = status!
        return unsubscribe
      },
      onChange,
      onTakenAway: vi.fn(),
      onResubscribed,
    })
    report('SUBSCRIBED')
    expect(onResubscribed).not.toHaveBeenCalled()
    send({ type: 'INSERT', lead: { id: 'l1' }, old: {} })
    expect(onChange).toHaveBeenCalledWith({ type: 'INSERT', lead: { id: 'l1' }, old: {} })
    report('CHANNEL_ERROR')
    report('SUBSCRIBED')
    expect(onResubscribed).toHaveBeenCalledTimes(1)
    report('SUBSCRIBED')
    expect(onResubscribed).toHaveBeenCalledTimes(1)
    stop()
    expect(unsubscribe).toHaveBeenCalled()
  })
})

describe('iOS install hint', () => {
  const iphoneSafari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'
  const iphoneChrome = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1'
  const ipadSafari = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'
  const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'
  const facts = (userAgent: string, extra: Partial<Parameters<typeof wantsIosInstallHint>[0]> = {}) =>
    ({ userAgent, maxTouchPoints: 5, displayModeStandalone: false, ...extra })

  it('shows only in Safari on iPhone and iPad, and not once installed', () => {
    expect(wantsIosInstallHint(facts(iphoneSafari))).toBe(true)
    expect(wantsIosInstallHint(facts(ipadSafari))).toBe(true)
    expect(wantsIosInstallHint(facts(ipadSafari, { maxTouchPoints: 0 }))).toBe(false) // a Mac
    expect(wantsIosInstallHint(facts(iphoneChrome))).toBe(false)
    expect(wantsIosInstallHint(facts(android))).toBe(false)
    expect(wantsIosInstallHint(facts(iphoneSafari, { standalone: true }))).toBe(false)
    expect(wantsIosInstallHint(facts(iphoneSafari, { displayModeStandalone: true }))).toBe(false)
  })
})
