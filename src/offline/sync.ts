// The sync engine: sends the outbox to the server. A plain function over small interfaces, so the
// app (any trigger), the service worker (Background Sync) and unit tests run the same code.
import { ApiError } from '../api/errors'
import type { ContactAttemptInput, DispositionInput, DispositionResult, MemberAvailability } from '../api/types'
import { byCreation } from './outbox'
import type { AvailabilityItem, ContactAttemptItem, DispositionItem, Outbox, OutboxItem } from './outbox'

/** The server calls the outbox needs; every one is idempotent on the ids it carries. */
export interface SyncTransport {
  syncDispositions: (items: DispositionInput[]) => Promise<DispositionResult[]>
  recordContactAttempt: (attempt: ContactAttemptInput) => Promise<void>
  setAvailability: (status: MemberAvailability) => Promise<void>
}

/** 'ready': a fresh access token is in place; 'offline': it could not be checked; 'signed-out': no session. */
export type SessionState = 'ready' | 'offline' | 'signed-out'

export interface FlushOptions {
  outbox: Outbox
  transport: SyncTransport
  /** Only this member's writes are sent: the session belongs to them. */
  userId: string
  /** Runs before anything is sent: refreshes an expired access token. */
  prepareSession: () => Promise<SessionState>
  /** After the server refused the token: forces a refresh; false if the session cannot be renewed, throws if the server cannot be reached. */
  refreshSession: () => Promise<boolean>
  /** When this says offline, a failed call stops the flush at once instead of backing off. */
  isOnline?: () => boolean
  sleep?: (ms: number) => Promise<void>
  /** Tries per call after the first, for network and server failures (default 4). */
  retries?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** 0..1, spreads the retries of many phones coming back online at once. */
  random?: () => number
}

export type StopReason = 'offline' | 'signed-out' | 'unavailable'

export interface FlushReport {
  /** Writes the server confirmed (applied now or earlier), removed from the outbox. */
  confirmed: string[]
  /** Writes the server refused; kept in the outbox, marked, for the rep to see. */
  rejected: Array<{ id: string, error: string }>
  /** Pending writes left after this flush. */
  remaining: number
  /** Why the flush ended before the last write, or null. */
  stopped: StopReason | null
}

/** One server call of a flush. */
export type SyncStep
  = | { kind: 'availability', item: AvailabilityItem, superseded: AvailabilityItem[] }
    | { kind: 'contact_attempt', item: ContactAttemptItem }
    | { kind: 'dispositions', items: DispositionItem[] }

/**
 * Orders the pending writes into server calls. Only the last availability change is sent (it
 * sets an absolute value). For each lead, writes go in the order they were made, because a
 * late call attempt would otherwise move a lead the outcome already closed (nurture ->
 * attempting); across leads nothing depends on order, so each round sends the oldest write of
 * every lead: its call attempts one by one, its outcomes in one batch.
 */
export function planSync(items: readonly OutboxItem[]): SyncStep[] {
  const pending = items.filter(item => item.state === 'pending').sort(byCreation)
  const steps: SyncStep[] = []

  const availability = pending.filter((item): item is AvailabilityItem => item.kind === 'availability')
  if (availability.length > 0)
    steps.push({ kind: 'availability', item: availability.at(-1)!, superseded: availability.slice(0, -1) })

  const byLead = new Map<string, Array<ContactAttemptItem | DispositionItem>>()
  for (const item of pending) {
    if (item.kind === 'availability')
      continue
    const queue = byLead.get(item.payload.lead_id) ?? []
    queue.push(item)
    byLead.set(item.payload.lead_id, queue)
  }
  while (byLead.size > 0) {
    const round = [...byLead].map(([lead, queue]) => {
      const head = queue.shift()!
      if (queue.length === 0)
        byLead.delete(lead)
      return head
    })
    for (const item of round) {
      if (item.kind === 'contact_attempt')
        steps.push({ kind: 'contact_attempt', item })
    }
    const outcomes = round.filter((item): item is DispositionItem => item.kind === 'disposition')
    if (outcomes.length > 0)
      steps.push({ kind: 'dispositions', items: outcomes })
  }
  return steps
}

/** Delay before retry number `attempt` (0-based): doubling from `base`, capped, with jitter in [50%, 100%]. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  return Math.round(Math.min(max, base * 2 ** attempt) * (0.5 + random() / 2))
}

class FlushStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`outbox flush stopped: ${reason}`)
  }
}

/**
 * Sends the member's pending writes, oldest first, and removes each one only after the server
 * confirmed it. Network and server failures are retried with exponential backoff, an expired
 * token is refreshed, and a write the server refuses is marked rejected without holding up the
 * rest. Nothing is sent twice in effect: every write carries its device id, and the server
 * answers a replay as a duplicate.
 */
export async function flushOutbox(options: FlushOptions): Promise<FlushReport> {
  const { outbox, transport } = options
  const isOnline = options.isOnline ?? (() => true)
  const sleep = options.sleep ?? (ms => new Promise<void>(resolve => setTimeout(resolve, ms)))
  const retries = options.retries ?? 4
  const random = options.random ?? Math.random
  const report: FlushReport = { confirmed: [], rejected: [], remaining: 0, stopped: null }

  const items = await outbox.list(options.userId)
  const steps = planSync(items)
  report.remaining = items.filter(item => item.state === 'pending').length
  if (steps.length === 0)
    return report

  async function send<T>(call: () => Promise<T>): Promise<T> {
    let refreshed = false
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      }
      catch (error) {
        if (error instanceof ApiError && error.kind === 'rejected')
          throw error
        if (error instanceof ApiError && error.kind === 'auth') {
          const renewed = refreshed ? false : await options.refreshSession().catch(() => null)
          if (renewed === null)
            throw new FlushStopped('offline')
          if (!renewed)
            throw new FlushStopped('signed-out')
          refreshed = true
          attempt--
          continue
        }
        if (!isOnline())
          throw new FlushStopped('offline')
        if (attempt >= retries)
          throw new FlushStopped(error instanceof ApiError && error.kind === 'server' ? 'unavailable' : 'offline')
        await sleep(backoffDelay(attempt, options.baseDelayMs ?? 1000, options.maxDelayMs ?? 30_000, random))
      }
    }
  }

  async function confirm(ids: string[]): Promise<void> {
    await outbox.remove(ids)
    report.confirmed.push(...ids)
  }

  async function reject(id: string, error: string): Promise<void> {
    await outbox.markRejected(id, error)
    report.rejected.push({ id, error })
  }

  /** Runs one step; a refusal of the whole call marks each of its writes rejected. */
  async function run(step: SyncStep): Promise<void> {
    try {
      switch (step.kind) {
        case 'availability':
          await send(() => transport.setAvailability(step.item.payload.status))
          await confirm([step.item.id])
          break
        case 'contact_attempt':
          await send(() => transport.recordContactAttempt({ id: step.item.id, ...step.item.payload }))
          await confirm([step.item.id])
          break
        case 'dispositions': {
          const results = await send(() => transport.syncDispositions(step.items.map(item => ({ id: item.id, ...item.payload }))))
          const byId = new Map(results.map(result => [result.id, result]))
          const done: string[] = []
          for (const item of step.items) {
            const result = byId.get(item.id)
            if (result?.status === 'applied' || result?.status === 'duplicate')
              done.push(item.id)
            else if (result?.status === 'rejected')
              await reject(item.id, result.error ?? 'refused by the server')
            // No answer for an item: it stays pending and goes again next time.
          }
          await confirm(done)
          break
        }
      }
    }
    catch (error) {
      if (!(error instanceof ApiError && error.kind === 'rejected'))
        throw error
      const refused = step.kind === 'dispositions' ? step.items : [step.item]
      for (const item of refused)
        await reject(item.id, error.message)
    }
    // Older availability changes are moot once the newest one is settled either way.
    if (step.kind === 'availability' && step.superseded.length > 0)
      await confirm(step.superseded.map(item => item.id))
  }

  try {
    const session = await options.prepareSession()
    if (session !== 'ready')
      throw new FlushStopped(session)
    for (const step of steps)
      await run(step)
  }
  catch (error) {
    if (!(error instanceof FlushStopped))
      throw error
    report.stopped = error.reason
  }
  const settled = new Set([...report.confirmed, ...report.rejected.map(entry => entry.id)])
  report.remaining = items.filter(item => item.state === 'pending' && !settled.has(item.id)).length
  return report
}
