import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { flushAppOutbox, shareSessionWithWorker } from '@/offline/app-sync'
import { requestOutboxSync } from '@/offline/background-sync'
import { idbOutbox, onOutboxChangedElsewhere } from '@/offline/outbox'
import type { NewOutboxItem, OutboxItem } from '@/offline/outbox'
import { backoffDelay } from '@/offline/sync'
import type { FlushReport } from '@/offline/sync'
import { useSessionStore } from './session'

type Draft = NewOutboxItem extends infer T ? T extends NewOutboxItem ? Omit<T, 'userId' | 'id'> : never : never

// A flush that stopped while the phone has a network (the server unavailable, or calls failing
// on a stalled connection or an auth client holding back after a failed refresh) is tried again
// after a growing delay; going offline leaves it to the reconnect trigger.
const retryBaseMs = 5_000
const retryMaxMs = 60_000

const phoneIsOnline = () => typeof navigator === 'undefined' || navigator.onLine

export const useOutboxStore = defineStore('outbox', () => {
  const session = useSessionStore()

  /** The signed-in member's writes waiting for the server (pending) or refused by it (rejected). */
  const items = shallowRef<OutboxItem[]>([])
  /** How many writes wait to be sent: the pending-sync badge. */
  const pendingCount = computed(() => items.value.filter(item => item.state === 'pending').length)
  /** Writes the server refused, shown to the rep until dismissed. */
  const rejected = computed(() => items.value.filter(item => item.state === 'rejected'))
  /** Leads with a call outcome recorded on this device and not confirmed by the server yet. */
  const leadsWithPendingOutcome = computed(() => new Set(items.value.flatMap(item =>
    item.kind === 'disposition' && item.state === 'pending' ? [item.payload.lead_id] : [])))
  const syncing = ref(false)
  /** What the last flush did. */
  const lastReport = shallowRef<FlushReport | null>(null)

  let flushing: Promise<FlushReport | null> | undefined
  let flushAgain = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retries = 0

  /** Reads the outbox again (after a write here, or a flush elsewhere). */
  async function reload(): Promise<void> {
    const userId = session.user?.id
    items.value = userId ? await idbOutbox.list(userId) : []
  }

  /**
   * Stores a write durably, then tries to send it at once. Resolves when it is stored, not
   * when it is sent: the rep moves on either way.
   */
  async function enqueue(draft: Draft): Promise<OutboxItem> {
    const userId = session.user?.id
    if (!userId)
      throw new Error('Not signed in: nothing can be recorded.')
    const item = await idbOutbox.enqueue({ ...draft, userId, id: crypto.randomUUID() } as NewOutboxItem)
    await reload()
    void requestOutboxSync()
    void sync()
    return item
  }

  /**
   * Sends the outbox now. Calls that arrive while a flush runs are folded into one more flush
   * after it, so every trigger is honoured and none runs twice at once.
   */
  function sync(): Promise<FlushReport | null> {
    if (flushing) {
      flushAgain = true
      return flushing
    }
    flushing = (async () => {
      let report: FlushReport | null = null
      syncing.value = true
      try {
        do {
          flushAgain = false
          const userId = session.user?.id
          if (!userId)
            break
          clearTimeout(retryTimer)
          report = await flushAppOutbox(userId)
          lastReport.value = report
          await reload()
        } while (flushAgain)
        const stoppedOnline = report?.stopped === 'unavailable' || (report?.stopped === 'offline' && phoneIsOnline())
        retries = stoppedOnline ? retries + 1 : 0
        if (stoppedOnline)
          retryTimer = setTimeout(() => void sync(), backoffDelay(retries - 1, retryBaseMs, retryMaxMs, Math.random))
      }
      finally {
        syncing.value = false
      }
      return report
    })().finally(() => {
      // After the assignment above: a flush with nothing to do completes without awaiting.
      flushing = undefined
    })
    return flushing
  }

  /** Forgets a rejected write once the rep has seen it. */
  async function dismiss(id: string): Promise<void> {
    const item = items.value.find(candidate => candidate.id === id)
    if (item?.state !== 'rejected')
      return
    await idbOutbox.remove([id])
    await reload()
  }

  const stopListening = onOutboxChangedElsewhere(() => void reload())
  // The worker sends the outbox when no window is open; it needs the current access token.
  watch(() => session.session, (current) => {
    void shareSessionWithWorker(current).catch(() => {})
    void reload()
  }, { immediate: true })

  function $reset(): void {
    clearTimeout(retryTimer)
    retries = 0
    stopListening()
    items.value = []
    lastReport.value = null
    syncing.value = false
  }

  return { items, pendingCount, rejected, leadsWithPendingOutcome, syncing, lastReport, reload, enqueue, sync, dismiss, $reset }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useOutboxStore, import.meta.hot))
