import type { ContactChannel, DispositionRow, LeadEventRow, LeadRow, LeadSourceRow, QueueSummary } from '../api/types'
import { prontoDb } from './db'

/** A lead with the history the phone shows, as kept for offline use. */
export interface CachedLead {
  lead: LeadRow
  events: LeadEventRow[]
  dispositions: DispositionRow[]
}

/** The last queue a member saw online: enough to keep working through it with no signal. */
export interface QueueSnapshot {
  userId: string
  /** Milliseconds since the epoch. */
  savedAt: number
  summary: QueueSummary | null
  /** The lead next_lead() answered last (it may have been claimed from the pool). */
  nextLeadId: string | null
  /** The member's open leads, ready or scheduled. */
  leads: CachedLead[]
  sources: LeadSourceRow[]
}

/** A tap on Call whose outcome is not recorded yet: the sheet comes back after a restart. */
export interface ActiveCall {
  leadId: string
  channel: ContactChannel
  /** Milliseconds since the epoch. */
  startedAt: number
}

export async function saveSnapshot(snapshot: QueueSnapshot): Promise<void> {
  await (await prontoDb()).put('snapshots', snapshot)
}

export async function loadSnapshot(userId: string): Promise<QueueSnapshot | undefined> {
  return (await prontoDb()).get('snapshots', userId)
}

const activeCallKey = (userId: string) => `active-call:${userId}`

export async function saveActiveCall(userId: string, call: ActiveCall | null): Promise<void> {
  const db = await prontoDb()
  if (call)
    await db.put('meta', call, activeCallKey(userId))
  else
    await db.delete('meta', activeCallKey(userId))
}

export async function loadActiveCall(userId: string): Promise<ActiveCall | null> {
  return ((await (await prontoDb()).get('meta', activeCallKey(userId))) as ActiveCall | undefined) ?? null
}

/** Forgets what the phone kept about a member's leads (on sign-out: it is personal data). Not the outbox. */
export async function forgetQueue(userId: string): Promise<void> {
  const db = await prontoDb()
  await Promise.all([db.delete('snapshots', userId), db.delete('meta', activeCallKey(userId))])
}
