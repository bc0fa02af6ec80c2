import { onBeforeUnmount, onMounted, ref } from 'vue'
import { Workbox } from 'workbox-window'

const hour = 60 * 60 * 1000

/** What `startServiceWorker` needs from workbox-window's `Workbox` (a fake in unit tests). */
export type WorkboxLike = Pick<Workbox, 'addEventListener' | 'register' | 'update' | 'messageSkipWaiting'>

export interface ServiceWorkerOptions {
  /** Called when a new version is installed and waits for the app's permission to take over. */
  onUpdateWaiting: () => void
  workbox: WorkboxLike
  /** Reloads the page once the new version controls it. */
  reload: () => void
  /** Whether update checks can reach the network; they are skipped when not. */
  isOnline: () => boolean
  checkEveryMs?: number
}

export interface ServiceWorkerControls {
  /** Activates the waiting version; the page reloads when it takes control. */
  activateUpdate: () => void
  /** Asks the browser to look for a new version now (when online). */
  checkForUpdate: () => Promise<void>
  /** Stops the periodic update checks. */
  stop: () => void
}

/** Registers the service worker and watches for new versions. Plain function so it tests without Vue. */
export function startServiceWorker(options: ServiceWorkerOptions): ServiceWorkerControls {
  const { workbox } = options
  workbox.addEventListener('waiting', () => options.onUpdateWaiting())

  async function checkForUpdate(): Promise<void> {
    if (options.isOnline())
      await workbox.update()
  }

  void workbox.register()
  // Phones keep the app open for days: look for a new version now and then, never offline.
  const timer = setInterval(() => void checkForUpdate().catch(() => {}), options.checkEveryMs ?? hour)

  return {
    activateUpdate() {
      workbox.addEventListener('controlling', () => options.reload())
      workbox.messageSkipWaiting()
    },
    checkForUpdate,
    stop: () => clearInterval(timer),
  }
}

/**
 * Registers the app's service worker (production builds only) and tells when an update waits.
 * @returns `updateWaiting`, `reload()` to switch to the new version, `dismiss()` to keep the current one.
 */
export function useServiceWorkerUpdate() {
  const updateWaiting = ref(false)
  let controls: ServiceWorkerControls | undefined

  onMounted(() => {
    if (import.meta.env.DEV || !('serviceWorker' in navigator))
      return
    controls = startServiceWorker({
      workbox: new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }),
      onUpdateWaiting: () => {
        updateWaiting.value = true
      },
      reload: () => window.location.reload(),
      isOnline: () => navigator.onLine,
    })
  })
  onBeforeUnmount(() => controls?.stop())

  return {
    updateWaiting,
    reload: () => controls?.activateUpdate(),
    dismiss: () => {
      updateWaiting.value = false
    },
  }
}
