// Service worker entry: wiring only. Each concern lives in its own module under service-worker/.
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching'
import { registerAppShellRoute } from './service-worker/app-shell'
import { listenForAppMessages } from './service-worker/app-messages'
import { listenForNotificationClicks } from './service-worker/notification-click'
import { listenForOutboxSync } from './service-worker/outbox-sync'
import { listenForPush } from './service-worker/push-notifications'
import type { Pronto } from './service-worker/types'

declare let self: Pronto

// vite-plugin-pwa replaces __WB_MANIFEST with the list of built files (the app shell).
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
registerAppShellRoute()
listenForAppMessages(self)
listenForOutboxSync(self)
listenForPush(self)
listenForNotificationClicks(self)
