import { createRestClient } from '../api/rest-client'
import { timedFetch } from '../api/timed-fetch'
import { outboxLock, runExclusive } from '../offline/lock'
import { idbOutbox } from '../offline/outbox'
import { flushOutbox } from '../offline/sync'
import { supabaseTransport } from '../offline/transport'
import { loadWorkerSession } from '../offline/worker-session'
import { syncTags, workerMessages } from '../shared/constants'
import type { SyncEvent } from './types'

// A token this close to expiry is left to the app, which can refresh it.
const tokenMarginMs = 60_000

/** What the handler needs of the worker's `clients` (structural, so unit tests can fake it). */
export interface WindowFinder {
  matchAll: (options: { type: 'window', includeUncontrolled: boolean }) => Promise<ReadonlyArray<{ postMessage: (message: unknown) => void }>>
}

interface SyncScope {
  clients: WindowFinder
  addEventListener: (type: 'sync', listener: (event: Event) => void) => void
}

/**
 * Background Sync fired for the outbox (the network is back, maybe with the app closed). An
 * open window is asked to flush: it holds the session and can refresh it. With no window the
 * worker sends what it can itself. A rejected promise tells the browser to try again later.
 */
export async function answerOutboxSync(worker: { clients: WindowFinder }, flushHere: () => Promise<void>): Promise<void> {
  const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true })
  if (windows.length === 0)
    return flushHere()
  for (const window of windows)
    window.postMessage({ type: workerMessages.flushOutbox })
}

/** Sends the outbox from the worker with the access token the app left; never refreshes it. */
export async function flushFromWorker(): Promise<void> {
  const session = await loadWorkerSession()
  if (!session || session.expiresAt * 1000 - tokenMarginMs <= Date.now())
    throw new Error('No usable access token in the worker: the app sends the outbox when it opens.')
  const client = createRestClient(session.apiUrl, session.anonKey, async () => session.accessToken, timedFetch())
  const report = await runExclusive(outboxLock, () => flushOutbox({
    outbox: idbOutbox,
    transport: supabaseTransport(client),
    userId: session.userId,
    prepareSession: async () => 'ready',
    // Rotating the refresh token here would sign the app out: leave expired tokens to the app.
    refreshSession: async () => false,
    isOnline: () => navigator.onLine,
    retries: 2,
  }))
  if (report.remaining > 0)
    throw new Error(`${report.remaining} outbox writes still waiting (${report.stopped ?? 'unanswered'}).`)
}

/** Answers the outbox's Background Sync tag. */
export function listenForOutboxSync(worker: SyncScope): void {
  worker.addEventListener('sync', (event) => {
    const sync = event as SyncEvent
    if (sync.tag === syncTags.outbox)
      sync.waitUntil(answerOutboxSync(worker, flushFromWorker))
  })
}
