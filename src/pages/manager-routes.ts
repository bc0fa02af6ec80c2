import type { RouteRecordRaw } from 'vue-router'
import { useMemberStore } from '@/stores/member'
import { useNoticeStore } from '@/stores/notice'

declare module 'vue-router' {
  interface RouteMeta {
    /** Only managers and admins; anyone else is sent to their next lead with a notice. */
    managersOnly?: boolean
  }
}

/** The manager's screens: the live board and the metrics. */
export const managerRoutes: RouteRecordRaw[] = [
  {
    path: '/board',
    name: 'board',
    component: () => import('./ManagerBoardPage.vue'),
    meta: { title: 'Team board', managersOnly: true },
  },
  {
    path: '/metrics',
    name: 'metrics',
    component: () => import('./ManagerMetricsPage.vue'),
    meta: { title: 'Metrics', managersOnly: true },
  },
]

/** Lets managers and admins through; sends anyone else to their next lead, saying why. */
export async function guardManagerRoute(): Promise<true | { name: 'home' }> {
  const notice = useNoticeStore()
  try {
    const profile = await useMemberStore().load()
    if (profile?.role === 'manager' || profile?.role === 'admin')
      return true
    notice.show('The team board and metrics are for managers. Here is your next lead instead.')
  }
  catch {
    notice.show('Pronto could not check that you are a manager. Try the board again when you have signal.')
  }
  return { name: 'home' }
}
