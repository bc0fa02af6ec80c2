import type { PrecacheEntry } from 'workbox-precaching'

/** The worker's global scope, with the precache list vite-plugin-pwa injects at build time. */
export type Pronto = ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<PrecacheEntry | string>
}

/**
 * Background Sync's event (not in TypeScript's WebWorker library; Chromium-based browsers have
 * it). Declared over `Event` so modules using it also type-check in the app's unit tests.
 */
export interface SyncEvent extends Event {
  readonly tag: string
  readonly lastChance: boolean
  waitUntil: (promise: Promise<unknown>) => void
}
