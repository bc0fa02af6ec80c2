import { onBeforeUnmount, onMounted } from 'vue'
import { isWorkerMessage, workerMessages } from '@/shared/constants'

export type SyncTrigger = 'start' | 'online' | 'visible' | 'worker'

type EventSource = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>

export interface SyncTriggerSources {
  window: EventSource
  document: EventSource & { visibilityState: DocumentVisibilityState }
  /** `navigator.serviceWorker`, where there is one. */
  serviceWorker?: EventSource
}

/**
 * Calls `flush` now, when the network comes back, when the app is shown again and when the
 * service worker asks (Background Sync fired). Background Sync alone is not enough: iOS has none.
 * Returns the stop function.
 */
export function watchSyncTriggers(sources: SyncTriggerSources, flush: (trigger: SyncTrigger) => void): () => void {
  const online = () => flush('online')
  const visible = () => {
    if (sources.document.visibilityState === 'visible')
      flush('visible')
  }
  const message = (event: Event) => {
    const data = (event as MessageEvent).data
    if (isWorkerMessage(data) && data.type === workerMessages.flushOutbox)
      flush('worker')
  }
  sources.window.addEventListener('online', online)
  sources.document.addEventListener('visibilitychange', visible)
  sources.serviceWorker?.addEventListener('message', message)
  flush('start')
  return () => {
    sources.window.removeEventListener('online', online)
    sources.document.removeEventListener('visibilitychange', visible)
    sources.serviceWorker?.removeEventListener('message', message)
  }
}

/** Flushes the outbox on every trigger while the calling component is mounted. */
export function useSyncTriggers(flush: (trigger: SyncTrigger) => void): void {
  let stop = () => {}
  onMounted(() => {
    stop = watchSyncTriggers({
      window,
      document,
      serviceWorker: 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
    }, flush)
  })
  onBeforeUnmount(() => stop())
}
