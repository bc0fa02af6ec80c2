import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { isRetryable } from '@/api/errors'
import { fetchLead, fetchLeadHistory, fetchLeadSources, fetchNextLead, fetchOpenLeads, fetchQueueSummary } from '@/api/leads'
import type { LeadChange, LeadTakenAway, TakenAwayReason } from '@/api/live'
import { withServerClock } from '@/api/server-clock'
import type { ContactChannel, DispositionOutcome, LeadRow, LeadSourceRow, LeadTier } from '@/api/types'
import { leadName, needsPreview, outcomeLabels } from '@/format/lead'
import { isReady, readyInOrder } from '@/offline/queue'
import { loadActiveCall, loadSnapshot, saveActiveCall, saveSnapshot } from '@/offline/queue-cache'
import type { ActiveCall, CachedLead, QueueSnapshot } from '@/offline/queue-cache'
import { useOutboxStore } from './outbox'
import { useSessionStore } from './session'

// The phone keeps the history of this many leads at the head of the queue for offline use.
const historyDepth = 25
// Live changes often come in bursts (a routing step updates a lead several times).
const liveDebounceMs = 300
// Long enough to read on a glance at the phone; the rep may dismiss it sooner.
export const noticeMs = 8000

const takenAwayWords: Record<TakenAwayReason, string> = {
  reassigned: 'was reassigned to someone else',
  escalated: 'went to the team\'s fallback queue: it waited too long for a call',
  unassigned: 'went back to the team pool',
}

/** What the rep enters on the disposition sheet. */
export interface OutcomeInput {
  outcome: DispositionOutcome
  notes: string
  /** ISO time; required for 'callback'. */
  callbackAt: string | null
}

export interface Arrival {
  id: string
  name: string
  tier: LeadTier | null
}

export const useQueueStore = defineStore('queue', () => {
  const session = useSessionStore()
  const outbox = useOutboxStore()
  const memberId = () => session.user?.id

  /** The last queue known: from the server, or from the phone's cache when there is no signal. */
  const snapshot = shallowRef<QueueSnapshot | null>(null)
  /** The lead on the next-lead screen. */
  const shown = shallowRef<CachedLead | null>(null)
  /** `shown` was picked on the device; the server's next_lead() answer replaces it. */
  const provisional = ref(false)
  /** What is on screen comes from the phone's cache, not a fresh server answer. */
  const fromDevice = ref(false)
  /** True once the screen has something to show (from the cache or the server). */
  const loaded = ref(false)
  const loading = ref(false)
  /** A load that failed for a reason retrying will not fix. */
  const error = ref('')
  /** A short message for the live region: a lead taken away, a lead arrived; clears itself. */
  const notice = ref('')
  /** Leads taken away from the rep, announced live: id and when the phone heard (ms since epoch). */
  const takenAway = shallowRef<ReadonlyMap<string, number>>(new Map())
  /** The lead last opened on the lead page from the server (not in the queue snapshot). */
  const opened = shallowRef<CachedLead | null>(null)
  /** Leads newly assigned while the rep works another one. */
  const arrivals = ref<Arrival[]>([])
  /** A call (or text, email) started and its outcome not recorded yet; survives restarts. */
  const activeCall = shallowRef<ActiveCall | null>(null)
  /** The lead whose disposition sheet is open, and how it was contacted. */
  const sheet = shallowRef<{ lead: LeadRow, channel: ContactChannel } | null>(null)
  /** High-value lead the rep has read and armed the Call button for. */
  const armedLeadId = ref<string | null>(null)
  /** Server clock minus this phone's clock, from the last queue answer: SLA countdowns add it. */
  const clockOffsetMs = ref(0)

  const handled = computed(() => outbox.leadsWithPendingOutcome)
  const entryFor = (id: string | null | undefined): CachedLead | null =>
    (id && snapshot.value?.leads.find(entry => entry.lead.id === id)) || null

  /** Leads ready behind the one shown (own ones; the team pool too while the server answers). */
  const waitingCount = computed(() => {
    const own = readyInOrder(snapshot.value?.leads ?? [], Date.now(), handled.value)
      .filter(entry => entry.lead.id !== shown.value?.lead.id).length
    return own + (fromDevice.value ? 0 : snapshot.value?.summary?.pool_ready ?? 0)
  })

  /** Callbacks the rep has coming up, including those recorded offline and not synced yet. */
  const upcomingCallbacks = computed(() => {
    const now = Date.now()
    const fromQueue = (snapshot.value?.leads ?? [])
      .filter(entry => !handled.value.has(entry.lead.id) && entry.lead.callback_at && Date.parse(entry.lead.callback_at) > now)
      .map(entry => ({ leadId: entry.lead.id, name: leadName(entry.lead), at: entry.lead.callback_at! }))
    const recorded = outbox.items.flatMap(item =>
      item.kind === 'disposition' && item.state === 'pending' && item.payload.callback_at && Date.parse(item.payload.callback_at) > now
        ? [{ leadId: item.payload.lead_id, name: entryFor(item.payload.lead_id) ? leadName(entryFor(item.payload.lead_id)!.lead) : 'Lead', at: item.payload.callback_at }]
        : [])
    return [...fromQueue, ...recorded].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  })

  /** Whether the Call button is live for this lead (high-value leads wait for the rep to read first). */
  function isArmed(lead: LeadRow): boolean {
    return !needsPreview(lead) || armedLeadId.value === lead.id || activeCall.value?.leadId === lead.id
  }

  /** While a call is under way or its sheet is open, the lead on screen must not change under the rep's thumb. */
  function locked(): boolean {
    const id = shown.value?.lead.id
    return id !== undefined && (activeCall.value?.leadId === id || sheet.value?.lead.id === id)
  }

  let noticeTimer: ReturnType<typeof setTimeout> | undefined
  // How many leads the taken-away notice on display counts (several can go in one reassignment run).
  let takenAwayShown = 0

  function say(message: string, takenAwayCount = 0): void {
    notice.value = message
    takenAwayShown = takenAwayCount
    clearTimeout(noticeTimer)
    noticeTimer = setTimeout(dismissNotice, noticeMs)
  }

  /** Clears the notice (the rep dismissed it, or it has been read). */
  function dismissNotice(): void {
    clearTimeout(noticeTimer)
    notice.value = ''
    takenAwayShown = 0
  }

  /** Shows the best lead the phone itself knows of (offline, or right after an outcome). */
  function showLocalPick(): void {
    shown.value = readyInOrder(snapshot.value?.leads ?? [], Date.now(), handled.value)[0] ?? null
    provisional.value = true
  }

  /** Reports a lead that left the rep's queue without the rep acting on it. */
  function noticeTakenAway(previous: CachedLead | null): void {
    if (previous && !entryFor(previous.lead.id) && !handled.value.has(previous.lead.id) && !takenAway.value.has(previous.lead.id))
      say(`${leadName(previous.lead)} is no longer in your queue: reassigned or closed by someone else.`)
  }

  /** Decides what the screen shows after fresh data arrived (`nextId`: next_lead()'s answer, if any). */
  function settle(nextId: string | null | undefined): void {
    const previous = shown.value
    const current = entryFor(previous?.lead.id)
    noticeTakenAway(previous)
    if (locked()) {
      if (current)
        shown.value = current
      return
    }
    const stillGood = current && isReady(current.lead, Date.now()) && !handled.value.has(current.lead.id)
    if (stillGood && (!provisional.value || nextId === undefined)) {
      shown.value = current
      return
    }
    const serverPick = nextId && !handled.value.has(nextId) ? entryFor(nextId) : null
    if (serverPick) {
      shown.value = serverPick
      provisional.value = false
    }
    else if (stillGood) {
      shown.value = current
    }
    else {
      showLocalPick()
    }
    arrivals.value = arrivals.value.filter(arrival => arrival.id !== shown.value?.lead.id)
  }

  /**
   * With nothing known on this phone yet (first start, cache cleared), next_lead()'s answer is
   * shown at once instead of after the rest of the queue and the history: the rep can call while
   * those load. It is not saved for offline use; the full answer replaces it.
   */
  function showFirstLead(userId: string, next: LeadRow | null, sources: LeadSourceRow[], askedAt: number): void {
    if (!next || snapshot.value !== null || memberId() !== userId || takenAway.value.has(next.id) || handled.value.has(next.id))
      return
    const entry: CachedLead = { lead: next, events: [], dispositions: [] }
    snapshot.value = { userId, savedAt: askedAt, summary: null, nextLeadId: next.id, sources, leads: [entry] }
    shown.value = entry
    provisional.value = false
    loaded.value = true
  }

  async function fetchSnapshot(userId: string): Promise<{ snapshot: QueueSnapshot, nextId: string | null }> {
    // Answers describe the queue as of the request, not its end (a change made meanwhile is newer).
    const startedAt = Date.now()
    // next_lead() first: it may claim a pool lead, which the other answers then count as the rep's own.
    // The sources come along (they name where the lead came from, on the card shown first).
    const [next, sources] = await Promise.all([
      fetchNextLead(),
      snapshot.value?.sources.length ? Promise.resolve(snapshot.value.sources) : fetchLeadSources(),
    ])
    showFirstLead(userId, next, sources, startedAt)
    const [{ answer: summary, clockOffsetMs: offset }, open] = await Promise.all([
      withServerClock(fetchQueueSummary),
      fetchOpenLeads(userId),
    ])
    clockOffsetMs.value = offset
    const leads = next && !open.some(lead => lead.id === next.id) ? [next, ...open] : open
    const head = readyInOrder(leads.map(lead => ({ lead })), Date.now(), new Set()).map(entry => entry.lead.id)
    const withHistory = [...new Set([...(next ? [next.id] : []), ...head, ...leads.filter(lead => lead.callback_at).map(lead => lead.id)])]
      .slice(0, historyDepth)
    const history = await fetchLeadHistory(withHistory)
    return {
      nextId: next?.id ?? null,
      snapshot: {
        userId,
        savedAt: startedAt,
        summary,
        nextLeadId: next?.id ?? null,
        sources,
        leads: leads.map(lead => ({
          lead,
          events: history.events.filter(event => event.lead_id === lead.id),
          dispositions: history.dispositions.filter(disposition => disposition.lead_id === lead.id),
        })),
      },
    }
  }

  let refreshing: Promise<void> | undefined
  let refreshAgain = false

  /**
   * Brings the queue up to date: sends the outbox first (so next_lead() does not hand back a
   * lead already handled here), then asks the server and caches its answer for offline use.
   * With no signal the phone's cache answers instead.
   */
  function refresh(): Promise<void> {
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    // Cleared in a .finally after the assignment: the offline path completes without awaiting.
    refreshing = (async () => {
      loading.value = true
      try {
        do {
          refreshAgain = false
          const userId = memberId()
          if (!userId)
            return
          if (!navigator.onLine) {
            fromDevice.value = true
            settle(undefined)
            continue
          }
          try {
            if (outbox.pendingCount > 0)
              await outbox.sync()
            const answer = withoutTakenAway(await fetchSnapshot(userId))
            if (memberId() !== userId)
              return
            snapshot.value = answer.snapshot
            fromDevice.value = false
            error.value = ''
            settle(answer.nextId)
            // A phone out of storage still works online; it just cannot work offline later.
            await saveSnapshot(answer.snapshot).catch(() => {})
          }
          catch (failure) {
            fromDevice.value = true
            if (!isRetryable(failure))
              error.value = failure instanceof Error ? failure.message : 'The queue could not be loaded.'
            settle(undefined)
          }
        } while (refreshAgain)
      }
      finally {
        loaded.value = true
        loading.value = false
      }
    })().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  /** Opens the next-lead screen: the cached queue at once, then the server's answer. */
  async function load(): Promise<void> {
    const userId = memberId()
    if (!userId)
      return
    if (snapshot.value?.userId !== userId) {
      // Storage may be unavailable (private browsing, blocked): then the server alone answers.
      const [cached, call] = await Promise.all([
        loadSnapshot(userId).catch(() => undefined),
        loadActiveCall(userId).catch(() => null),
        outbox.reload().catch(() => {}),
      ])
      snapshot.value = cached ?? null
      activeCall.value = call
      if (cached) {
        fromDevice.value = true
        showLocalPick()
        const called = entryFor(call?.leadId)
        if (called && call) {
          // The phone app may have closed the PWA during the call: pick up where the rep left.
          shown.value = called
          sheet.value = { lead: called.lead, channel: call.channel }
        }
        loaded.value = true
      }
    }
    await refresh()
  }

  /**
   * Drops the leads announced as taken away after `answer` was asked for: the server answered
   * for an earlier moment. Leads taken away before it are the server's to say.
   */
  function withoutTakenAway(answer: { snapshot: QueueSnapshot, nextId: string | null }): { snapshot: QueueSnapshot, nextId: string | null } {
    const since = answer.snapshot.savedAt
    const gone = (id: string | null) => id !== null && (takenAway.value.get(id) ?? -Infinity) >= since
    if (!answer.snapshot.leads.some(entry => gone(entry.lead.id)) && !gone(answer.nextId))
      return answer
    return {
      nextId: gone(answer.nextId) ? null : answer.nextId,
      snapshot: {
        ...answer.snapshot,
        nextLeadId: gone(answer.snapshot.nextLeadId) ? null : answer.snapshot.nextLeadId,
        leads: answer.snapshot.leads.filter(entry => !gone(entry.lead.id)),
      },
    }
  }

  let liveTimer: ReturnType<typeof setTimeout> | undefined

  function refreshSoon(): void {
    clearTimeout(liveTimer)
    liveTimer = setTimeout(() => void refresh(), liveDebounceMs)
  }

  /** A realtime change to one of the rep's leads: note new arrivals, then refresh (debounced). */
  function onLiveChange(change: LeadChange): void {
    const id = change.lead.id ?? change.old.id
    if (id && takenAway.value.has(id) && change.lead.assigned_to === memberId()) {
      // Given back to the rep.
      const next = new Map(takenAway.value)
      next.delete(id)
      takenAway.value = next
    }
    const known = entryFor(id) !== null || shown.value?.lead.id === id
    if (change.type !== 'DELETE' && id && !known && change.lead.assigned_to === memberId()
      && !arrivals.value.some(arrival => arrival.id === id)) {
      const name = leadName({ full_name: null, first_name: null, last_name: null, email: null, phone: null, ...change.lead })
      arrivals.value = [...arrivals.value, { id, name, tier: change.lead.tier ?? null }]
      say(`New lead: ${name}${change.lead.tier ? ` (${change.lead.tier})` : ''}.`)
    }
    refreshSoon()
  }

  /**
   * Leads were taken away from the rep (announced live): they leave the queue and the phone's
   * copy at once, the screen moves on unless a call on its lead is under way, and the rep is
   * told. The server's next lead follows (debounced).
   */
  function onLeadTakenAway(taken: LeadTakenAway): void {
    const ids = new Set(taken.leadIds)
    const known = (id: string) => entryFor(id) ?? (shown.value?.lead.id === id ? shown.value : null) ?? (opened.value?.lead.id === id ? opened.value : null)
    const told = taken.leadIds.filter(id => !handled.value.has(id))
    const firstName = told.length === 1 ? known(told[0]) : null
    const heardAt = Date.now()
    const marked = new Map(takenAway.value)
    for (const id of ids)
      marked.set(id, heardAt)
    takenAway.value = marked
    arrivals.value = arrivals.value.filter(arrival => !ids.has(arrival.id))
    if (snapshot.value?.leads.some(entry => ids.has(entry.lead.id))) {
      const kept: QueueSnapshot = { ...snapshot.value, leads: snapshot.value.leads.filter(entry => !ids.has(entry.lead.id)) }
      if (kept.nextLeadId && ids.has(kept.nextLeadId))
        kept.nextLeadId = null
      snapshot.value = kept
      // Personal data of leads no longer theirs: off the phone too, where storage allows.
      void saveSnapshot(kept).catch(() => {})
    }
    if (shown.value && ids.has(shown.value.lead.id) && !locked())
      showLocalPick()
    if (told.length > 0) {
      const count = (notice.value && takenAwayShown > 0 ? takenAwayShown : 0) + told.length
      say(count > 1
        ? `${count} leads are no longer yours: reassigned or moved to the team's queue.`
        : `${firstName ? leadName(firstName.lead) : 'A lead'} ${takenAwayWords[taken.reason]}.`, count)
    }
    refreshSoon()
  }

  /** Details of any lead the rep may see (the lead page): from the cache, else the server. */
  async function leadDetails(id: string): Promise<CachedLead | null> {
    const userId = memberId()
    if (!userId)
      return null
    if (snapshot.value?.userId !== userId)
      snapshot.value = (await loadSnapshot(userId)) ?? null
    const cached = entryFor(id)
    if (cached && cached.events.length > 0)
      return cached
    if (!navigator.onLine)
      return cached
    try {
      const [lead, history] = await Promise.all([fetchLead(id), fetchLeadHistory([id])])
      opened.value = lead ? { lead, ...history } : null
      return opened.value
    }
    catch (failure) {
      if (cached && isRetryable(failure))
        return cached
      throw failure
    }
  }

  /** The rep read a high-value lead: the Call button goes live. */
  function arm(leadId: string): void {
    armedLeadId.value = leadId
  }

  /**
   * The rep tapped Call (or text, email): records the contact attempt at once through the
   * outbox (the speed-to-lead timestamp) and opens the disposition sheet for when they are back.
   */
  async function startContact(lead: LeadRow, channel: ContactChannel): Promise<void> {
    const userId = memberId()
    if (!userId)
      return
    const call: ActiveCall = { leadId: lead.id, channel, startedAt: Date.now() }
    activeCall.value = call
    sheet.value = { lead, channel }
    await Promise.all([
      saveActiveCall(userId, call),
      outbox.enqueue({
        kind: 'contact_attempt',
        label: `${channel === 'phone' ? 'Call to' : channel === 'sms' ? 'Text to' : 'Email to'} ${leadName(lead)}`,
        payload: { lead_id: lead.id, occurred_at: new Date(call.startedAt).toISOString(), channel },
      }),
    ])
  }

  /** Opens the sheet without a call from the app (called from another phone, met in person). */
  function openSheet(lead: LeadRow): void {
    sheet.value = { lead, channel: 'phone' }
  }

  /** Closes the sheet without recording an outcome. */
  async function closeSheet(): Promise<void> {
    const userId = memberId()
    sheet.value = null
    activeCall.value = null
    if (userId)
      await saveActiveCall(userId, null)
  }

  /**
   * Records the outcome through the outbox and moves straight on to the next lead (progressive
   * mode): the phone picks it from its queue at once, and the server's answer follows.
   */
  async function saveOutcome(lead: LeadRow, input: OutcomeInput): Promise<void> {
    const userId = memberId()
    if (!userId)
      return
    const channel = sheet.value?.lead.id === lead.id ? sheet.value.channel : 'phone'
    await outbox.enqueue({
      kind: 'disposition',
      label: `${outcomeLabels[input.outcome]} for ${leadName(lead)}`,
      payload: {
        lead_id: lead.id,
        outcome: input.outcome,
        notes: input.notes.trim() || null,
        callback_at: input.outcome === 'callback' ? input.callbackAt : null,
        channel,
        occurred_at: new Date().toISOString(),
      },
    })
    sheet.value = null
    activeCall.value = null
    await saveActiveCall(userId, null)
    if (shown.value?.lead.id === lead.id || shown.value === null)
      showLocalPick()
    arrivals.value = arrivals.value.filter(arrival => arrival.id !== lead.id)
    void refresh()
  }

  function dismissArrival(id: string): void {
    arrivals.value = arrivals.value.filter(arrival => arrival.id !== id)
  }

  /** Forgets everything in memory (sign-out, tests); the phone's cache is handled by the caller. */
  function $reset(): void {
    clearTimeout(liveTimer)
    dismissNotice()
    takenAway.value = new Map()
    opened.value = null
    snapshot.value = null
    shown.value = null
    provisional.value = false
    fromDevice.value = false
    loaded.value = false
    loading.value = false
    error.value = ''
    arrivals.value = []
    activeCall.value = null
    sheet.value = null
    armedLeadId.value = null
    clockOffsetMs.value = 0
  }

  return {
    snapshot,
    shown,
    provisional,
    fromDevice,
    loaded,
    loading,
    error,
    notice,
    takenAway,
    arrivals,
    activeCall,
    sheet,
    armedLeadId,
    clockOffsetMs,
    waitingCount,
    upcomingCallbacks,
    isArmed,
    load,
    refresh,
    onLiveChange,
    onLeadTakenAway,
    dismissNotice,
    leadDetails,
    arm,
    startContact,
    openSheet,
    closeSheet,
    saveOutcome,
    dismissArrival,
    $reset,
  }
})

if (import.meta.hot)
  import.meta.hot.accept(acceptHMRUpdate(useQueueStore, import.meta.hot))
