import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startServiceWorker } from '@/composables/useServiceWorkerUpdate'
import type { WorkboxLike } from '@/composables/useServiceWorkerUpdate'

/** A stand-in for workbox-window's Workbox that records calls and lets the test fire its events. */
function fakeWorkbox() {
  const listeners = new Map<string, Array<() => void>>()
  const workbox = {
    addEventListener: vi.fn((type: string, listener: () => void) => {
      listeners.set(type, [...(listeners.get(type) ?? []), listener])
    }),
    register: vi.fn(async () => undefined),
    update: vi.fn(async () => undefined),
    messageSkipWaiting: vi.fn(),
  }
  const fire = (type: string) => listeners.get(type)?.forEach(listener => listener())
  return { workbox, fire, asWorkbox: workbox as unknown as WorkboxLike }
}

describe('startServiceWorker', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function start(online = true) {
    const fake = fakeWorkbox()
    const onUpdateWaiting = vi.fn()
    const reload = vi.fn()
    let isOnline = online
    const controls = startServiceWorker({
      workbox: fake.asWorkbox,
      onUpdateWaiting,
      reload,
      isOnline: () => isOnline,
      checkEveryMs: 1000,
    })
    return { ...fake, controls, onUpdateWaiting, reload, goOnline: (value: boolean) => { isOnline = value } }
  }

  it('registers the worker and reports a waiting version', () => {
    const { workbox, fire, onUpdateWaiting, controls } = start()
    expect(workbox.register).toHaveBeenCalledTimes(1)
    expect(onUpdateWaiting).not.toHaveBeenCalled()
    fire('waiting')
    expect(onUpdateWaiting).toHaveBeenCalledTimes(1)
    controls.stop()
  })

  it('activates the waiting version and reloads only once it controls the page', () => {
    const { workbox, fire, reload, controls } = start()
    controls.activateUpdate()
    expect(workbox.messageSkipWaiting).toHaveBeenCalledTimes(1)
    expect(reload).not.toHaveBeenCalled()
    fire('controlling')
    expect(reload).toHaveBeenCalledTimes(1)
    controls.stop()
  })

  it('checks for updates periodically, but not while offline, and stops when asked', async () => {
    const { workbox, controls, goOnline } = start(false)
    await vi.advanceTimersByTimeAsync(1000)
    expect(workbox.update).not.toHaveBeenCalled()
    goOnline(true)
    await vi.advanceTimersByTimeAsync(1000)
    expect(workbox.update).toHaveBeenCalledTimes(1)
    controls.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(workbox.update).toHaveBeenCalledTimes(1)
  })
})
