import { createRouter, createWebHistory } from 'vue-router'
import type { RouteLocationRaw, RouteRecordRaw, RouterHistory } from 'vue-router'
import { guardManagerRoute, managerRoutes } from '@/pages/manager-routes'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable while signed out. */
    public?: boolean
    /** Shown in the document title. */
    title?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('@/pages/SignInPage.vue'),
    meta: { public: true, title: 'Sign in' },
  },
  {
    path: '/',
    name: 'home',
    component: () => import('@/pages/NextLeadPage.vue'),
    meta: { title: 'Next lead' },
  },
  {
    // Opened from a push notification, a scheduled callback or a new-lead notice.
    path: '/lead/:id',
    name: 'lead',
    component: () => import('@/pages/LeadPage.vue'),
    props: true,
    meta: { title: 'Lead' },
  },
  ...managerRoutes,
  { path: '/:unknown(.*)*', redirect: '/' },
]

/** Only same-app paths may be used as a post-sign-in target (no `//host` or absolute URLs). */
export function safeRedirect(target: unknown): RouteLocationRaw {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : { name: 'home' }
}

/** The app's router: signed-out visitors are sent to sign-in, signed-in ones away from it. */
export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  const router = createRouter({ history, routes })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    await session.restore()
    if (!to.meta.public && !session.isSignedIn)
      return { name: 'sign-in', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
    if (to.name === 'sign-in' && session.isSignedIn)
      return safeRedirect(to.query.redirect)
    if (to.meta.managersOnly)
      return guardManagerRoute()
  })

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Pronto` : 'Pronto'
  })

  return router
}
