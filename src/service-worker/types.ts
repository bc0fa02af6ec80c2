import type { PrecacheEntry } from 'workbox-precaching'

/** The worker's global scope, with the precache list vite-plugin-pwa injects at build time. */
export type Pronto = ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<PrecacheEntry | string>
}
