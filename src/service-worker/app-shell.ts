import { createHandlerBoundToURL } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

/**
 * Answers every navigation with the precached index.html, so the app opens (and its router
 * shows the right page) on a reload or a cold start with no network.
 */
export function registerAppShellRoute(): void {
  registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')))
}
