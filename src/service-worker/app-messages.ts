import { isWorkerMessage, workerMessages } from '../shared/constants'

/** Handles messages from the app's windows; today only the update prompt's "reload". */
export function listenForAppMessages(worker: ServiceWorkerGlobalScope): void {
  worker.addEventListener('message', (event) => {
    if (!isWorkerMessage(event.data))
      return
    switch (event.data.type) {
      case workerMessages.skipWaiting:
        // The waiting worker takes over; workbox-window then reloads the prompting window.
        void worker.skipWaiting()
        break
    }
  })
}
