import type { ContactAttemptInput, DispositionInput, MemberAvailability } from '../api/types'
import { prontoDb } from './db'

export type OutboxKind = 'contact_attempt' | 'disposition' | 'availability'

interface OutboxCommon {
  /** Generated on the device; the server recognizes a replay by it. */
  id: string
  /** The member who made the write: only their session may send it. */
  userId: string
  /** Milliseconds since the epoch, then `seq` for writes in the same millisecond. */
  createdAt: number
  seq: number
  /** 'rejected': the server refused it; kept, with `error`, until the rep dismisses it. */
  state: 'pending' | 'rejected'
  error: string | null
  /** Says what the write was, for the rep ("Outcome for Marcus Webb: No answer"). */
  label: string
}

export type ContactAttemptItem = OutboxCommon & { kind: 'contact_attempt', payload: Omit<ContactAttemptInput, 'id'> }
export type DispositionItem = OutboxCommon & { kind: 'disposition', payload: Omit<DispositionInput, 'id'> }
export type AvailabilityItem = OutboxCommon & { kind: 'availability', payload: { status: MemberAvailability } }
export type OutboxItem = ContactAttemptItem | DispositionItem | AvailabilityItem

type New<T> = T extends OutboxItem ? Omit<T, 'createdAt' | 'seq' | 'state' | 'error'> : never
/** What a caller hands to `enqueue`. */
export type NewOutboxItem = New<OutboxItem>

/** Where writes wait for the server. The app and the worker use IndexedDB; tests use memory. */
export interface Outbox {
  /** Stores the write; resolves once it is durable. */
  enqueue: (item: NewOutboxItem) => Promise<OutboxItem>
  /** The member's writes, oldest first, pending and rejected. */
  list: (userId: string) => Promise<OutboxItem[]>
  /** Keeps a write the server refused, with its reason, out of further sending. */
  markRejected: (id: string, error: string) => Promise<void>
  /** Forgets writes: only after the server confirmed them, or the rep dismissed a rejected one. */
  remove: (ids: readonly string[]) => Promise<void>
}

let lastStamp = 0
let seq = 0

/** Fills in the bookkeeping fields of a new write (creation order, pending). */
export function stampOutboxItem(item: NewOutboxItem, now = Date.now()): OutboxItem {
  seq = now === lastStamp ? seq + 1 : 0
  lastStamp = now
  return { ...item, createdAt: now, seq, state: 'pending', error: null } as OutboxItem
}

export function byCreation(a: OutboxItem, b: OutboxItem): number {
  return a.createdAt - b.createdAt || a.seq - b.seq
}

const changes = 'pronto-outbox-changes'

/** Tells other windows and the worker that the outbox changed (their badges recount). */
function announceChange(): void {
  if (typeof BroadcastChannel === 'undefined')
    return
  const channel = new BroadcastChannel(changes)
  channel.postMessage('changed')
  channel.close()
}

/** Calls back when another window or the worker changed the outbox; returns the unsubscribe function. */
export function onOutboxChangedElsewhere(callback: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined')
    return () => {}
  const channel = new BroadcastChannel(changes)
  channel.onmessage = () => callback()
  return () => channel.close()
}

/** The outbox in IndexedDB: survives reloads, closing the app and new app versions. */
export const idbOutbox: Outbox = {
  async enqueue(item) {
    const stored = stampOutboxItem(item)
    const db = await prontoDb()
    await db.put('outbox', stored)
    announceChange()
    return stored
  },
  async list(userId) {
    const db = await prontoDb()
    return (await db.getAllFromIndex('outbox', 'by-user', userId)).sort(byCreation)
  },
  async markRejected(id, error) {
    const db = await prontoDb()
    const tx = db.transaction('outbox', 'readwrite')
    const item = await tx.store.get(id)
    if (item)
      await tx.store.put({ ...item, state: 'rejected', error })
    await tx.done
    announceChange()
  },
  async remove(ids) {
    if (ids.length === 0)
      return
    const db = await prontoDb()
    const tx = db.transaction('outbox', 'readwrite')
    await Promise.all([...ids.map(id => tx.store.delete(id)), tx.done])
    announceChange()
  },
}
