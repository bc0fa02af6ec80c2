import { describe, expect, it, vi } from 'vitest'
import { answerOutboxSync } from '../../../src/service-worker/outbox-sync.ts'
import type { WindowFinder } from '../../../src/service-worker/outbox-sync.ts'
import { workerMessages } from '../../../src/shared/constants.ts'

function workerWith(windows: Array<{ postMessage: (message: unknown) => void }>) {
  const matchAll = vi.fn<WindowFinder['matchAll']>(async () => windows)
  return { worker: { clients: { matchAll } }, matchAll }
}

describe('Background Sync of the outbox', () => {
  it('asks every open window to flush (they hold the fresh session) and does not flush itself', async () => {
    const windows = [{ postMessage: vi.fn() }, { postMessage: vi.fn() }]
    const { worker, matchAll } = workerWith(windows)
    const flushHere = vi.fn(async () => {})
    await answerOutboxSync(worker, flushHere)
    expect(matchAll).toHaveBeenCalledWith({ type: 'window', includeUncontrolled: true })
    for (const window of windows)
      expect(window.postMessage).toHaveBeenCalledWith({ type: workerMessages.flushOutbox })
    expect(flushHere).not.toHaveBeenCalled()
  })

  it('flushes from the worker when the app is closed, and fails so the browser retries if writes remain', async () => {
    const { worker } = workerWith([])
    const flushHere = vi.fn(async () => {})
    await answerOutboxSync(worker, flushHere)
    expect(flushHere).toHaveBeenCalledTimes(1)
    await expect(answerOutboxSync(worker, async () => Promise.reject(new Error('2 outbox writes still waiting')))).rejects.toThrow('still waiting')
  })
})
