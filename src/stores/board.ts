import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { fetchBoard, nudgeLeadOwner, reassignLead, subscribeToOrganization } from '@/api/manager'
import type { BoardLead, ManagerBoard, TeamMemberStatus } from '@/api/manager'
import { withServerClock } from '@/api/server-clock'
import { useMemberStore } from './member'

// Live changes come in bursts (ingest, routing and the escalator each touch a lead several times).
const liveDebounceMs = 400
// A clock entering its last quarter changes nothing in the database: the board looks again just after.
const riskMarginMs = 250
// setTimeout's range is about 24 days; a far-off risk is rescheduled by the refreshes before it.
const longestWaitMs = 60 * 60_000

/** off: not following; connecting: first subscription; live: following; reconnecting: lost, retrying. */
export type LiveState = 'off' | 'connecting' | 'live' | 'reconnecting'

function messageOf(failure: unknown, fallback: string): string {
  return failure instanceof Error && failure.message ? failure.message : fallback
}

export const useBoardStore = defineStore('board', () => {
  const member = useMemberStore()

  /** The last answer of manager_board(); kept on screen while a refresh fails. */
  const board = shallowRef<ManagerBoard | null>(null)
  const loading = ref(false)
  /** Why the last refresh failed, or ''. */
  const error = ref('')
  const live = ref<LiveState>('off')
  /** Server clock minus this device's clock, so countdowns agree with the server. */
  const clockOffsetMs = ref(0)
  /** When the board was last brought up to date (device clock, ms). */
  const updatedAt = ref<number | null>(null)
  /** The outcome of the last action, for a polite live region. */
  const message = ref('')
  /** Leads with an action under way (their buttons wait). */
  const busyLeadIds = ref<string[]>([])

  /** The server's idea of now, in milliseconds since the epoch. */
  function serverNow(): number {
    return Date.now() + clockOffsetMs.value
  }

  let riskTimer: ReturnType<typeof setTimeout> | undefined
  function armRiskTimer(): void {
    clearTimeout(riskTimer)
    riskTimer = undefined
    const next = board.value?.next_risk_at
    if (!next || live.value === 'off')
      return
    const wait = Math.min(longestWaitMs, Math.max(0, Date.parse(next) - serverNow()) + riskMarginMs)
    riskTimer = setTimeout(() => void refresh(), wait)
  }

  let refreshing: Promise<void> | undefined
  let refreshAgain = false

  /** Asks the server for the board; a call during a refresh runs once more after it. */
  function refresh(): Promise<void> {
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    refreshing = (async () => {
      loading.value = true
      try {
        do {
          refreshAgain = false
          try {
            const { answer, clockOffsetMs: offset } = await withServerClock(fetchBoard)
            clockOffsetMs.value = offset
            board.value = answer
            updatedAt.value = Date.now()
            error.value = ''
          }
          catch (failure) {
            error.value = messageOf(failure, 'The board could not be loaded.')
          }
        } while (refreshAgain)
        armRiskTimer()
      }
      finally {
        loading.value = false
      }
    })().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  let debounce: ReturnType<typeof setTimeout> | undefined
  /** Refreshes once the current burst of changes has settled. */
  function scheduleRefresh(): void {
    clearTimeout(debounce)
    debounce = setTimeout(() => {
      debounce = undefined
      void refresh()
    }, liveDebounceMs)
  }

  let unsubscribe: (() => void) | undefined
  let following = 0

  /**
   * Shows the board and keeps it current: every change to the organization's leads and members
   * (realtime), and each clock entering its last quarter, brings a refresh. No reload needed.
   */
  async function start(): Promise<void> {
    stop()
    const run = ++following
    live.value = 'connecting'
    const profile = await member.load().catch((failure: unknown) => {
      error.value = messageOf(failure, 'Your account could not be checked.')
      return null
    })
    if (run !== following)
      return
    if (!profile) {
      live.value = 'off'
      return
    }
    let subscribedBefore = false
    const changed = () => {
      if (run === following)
        scheduleRefresh()
    }
    unsubscribe = subscribeToOrganization(profile.org_id, changed, (status) => {
      if (run !== following)
        return
      if (status === 'SUBSCRIBED') {
        // Changes made while the connection was down were missed: look again.
        if (subscribedBefore)
          scheduleRefresh()
        subscribedBefore = true
        live.value = 'live'
      }
      else {
        live.value = subscribedBefore ? 'reconnecting' : 'connecting'
      }
    })
    await refresh()
  }

  /** Stops following (the page was left). */
  function stop(): void {
    following++
    unsubscribe?.()
    unsubscribe = undefined
    clearTimeout(debounce)
    clearTimeout(riskTimer)
    debounce = undefined
    riskTimer = undefined
    live.value = 'off'
  }

  async function act<T>(leadId: string, work: () => Promise<T>, done: (result: T) => string): Promise<boolean> {
    busyLeadIds.value = [...busyLeadIds.value, leadId]
    message.value = ''
    try {
      message.value = done(await work())
      await refresh()
      return true
    }
    catch (failure) {
      message.value = messageOf(failure, 'That did not work. Try again.')
      return false
    }
    finally {
      busyLeadIds.value = busyLeadIds.value.filter(id => id !== leadId)
    }
  }

  /** Gives the lead to `to`; lands in the lead's events as 'reassigned'. */
  function reassign(lead: BoardLead, to: TeamMemberStatus): Promise<boolean> {
    return act(lead.lead_id, () => reassignLead(lead.lead_id, to.member_id, 'reassigned from the manager board'),
      () => `${lead.name} is now with ${to.full_name}.`)
  }

  /** Makes the signed-in manager the lead's owner; lands in the lead's events as 'reassigned'. */
  function takeOver(lead: BoardLead): Promise<boolean> {
    const me = member.profile
    if (!me)
      return Promise.resolve(false)
    return act(lead.lead_id, () => reassignLead(lead.lead_id, me.id, 'taken over from the manager board'),
      () => `You took over ${lead.name}. It is in your queue now.`)
  }

  /** Asks the owner to act on the lead now (a push to their phone); lands in the lead's events as 'nudged'. */
  function nudge(lead: BoardLead): Promise<boolean> {
    const owner = lead.owner_name ?? 'The owner'
    return act(lead.lead_id, () => nudgeLeadOwner(lead.lead_id), ({ push }) => {
      if (push === 'sent')
        return `${owner} was nudged about ${lead.name}.`
      if (push === 'no_subscription')
        return `${owner} was nudged about ${lead.name} (on the lead only: no phone of theirs has alerts on).`
      return `${owner} was nudged about ${lead.name} (on the lead only: the alert could not be sent).`
    })
  }

  function $reset(): void {
    stop()
    board.value = null
    loading.value = false
    error.value = ''
    clockOffsetMs.value = 0
    updatedAt.value = null
    message.value = ''
    busyLeadIds.value = []
  }

  return {
    board, loading, error, live, clockOffsetMs, updatedAt, message, busyLeadIds,
    serverNow, refresh, scheduleRefresh, start, stop, reassign, takeOver, nudge, $reset,
  }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useBoardStore, import.meta.hot))
