// Sends a run's pushes after its transactions have committed, many at once: one read of the
// subscriptions of everyone concerned, one insert for the alerts nobody can receive (no device,
// no VAPID keys), and web-push sends with a bounded number in flight, each recorded with
// recordPushOutcomes like every other alert.
//
// A member gets at most MAX_PUSHES_PER_MEMBER of a run's pushes, the most urgent first. When a
// burst of leads breaches at once, a phone buzzing hundreds of times helps nobody (the board
// lists them all) and push services throttle a device that is sent that many.
import type { Sql } from '../_shared/db/postgres.ts'
import type { PushOutcomeDb, StoredPushSubscription } from '../_shared/push/record-push-outcomes.ts'
import { recordPushOutcomes } from '../_shared/push/record-push-outcomes.ts'
import type { SendPushDeps, VapidDetails } from '../_shared/push/send-push.ts'
import { sendLeadAlert } from '../_shared/push/send-push.ts'
import { appendEvents } from './events.ts'
import type { LeadEvent } from './events.ts'
import type { PlannedPush } from './push-plan.ts'

export interface PushSender {
  vapid: VapidDetails
  deps: SendPushDeps
  /** Service-role client the outcomes are written through. */
  db: () => PushOutcomeDb
}

export interface PushTally {
  /** Reached at least one of the member's devices. */
  sent: number
  /** Every device refused or could not be reached. */
  failed: number
  /** The member has no device subscribed. */
  no_subscription: number
  /** Not sent: VAPID keys are not configured. */
  pending: number
  /** Not sent: past the member's share of this run (MAX_PUSHES_PER_MEMBER). */
  held_back: number
}

export const MAX_PUSHES_PER_MEMBER = 10

/** How one push went, for a caller that sent a single one: sent to a device, or why not. */
export type PushResult = 'sent' | 'failed' | 'no_subscription' | 'pending'

export function pushResult(tally: PushTally): PushResult {
  if (tally.sent > 0)
    return 'sent'
  if (tally.pending > 0)
    return 'pending'
  return tally.no_subscription > 0 ? 'no_subscription' : 'failed'
}

const tierRank = { HOT: 0, WARM: 1, COLD: 2 } as const

/** The pushes to send: per member the MAX_PUSHES_PER_MEMBER most urgent (HOT first, then by score), in run order. */
export function withinMemberShare(pushes: readonly PlannedPush[]): PlannedPush[] {
  const urgency = (push: PlannedPush) => tierRank[push.payload.tier] * 1000 - push.score
  const ranked = pushes.map((push, index) => ({ push, index })).sort((a, b) => urgency(a.push) - urgency(b.push) || a.index - b.index)
  const taken = new Map<string, number>()
  const kept = ranked.filter(({ push }) => {
    const count = taken.get(push.memberId) ?? 0
    taken.set(push.memberId, count + 1)
    return count < MAX_PUSHES_PER_MEMBER
  })
  return kept.sort((a, b) => a.index - b.index).map(({ push }) => push)
}

// Each send waits on a push service; this many at a time keeps a large run from opening thousands of sockets.
const IN_FLIGHT = 16

function event(push: PlannedPush, type: 'push_pending' | 'push_failed', details: Record<string, unknown>): LeadEvent {
  return { lead_id: push.payload.leadId!, org_id: push.orgId, type, details: { kind: push.kind, member_id: push.memberId, ...details } }
}

async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length)
      await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Sends `pushes` and records every outcome in the leads' events; never throws for a push that fails. */
export async function deliverPushes(sql: Sql, sender: PushSender | null, planned: readonly PlannedPush[]): Promise<PushTally> {
  const pushes = withinMemberShare(planned)
  const tally: PushTally = { sent: 0, failed: 0, no_subscription: 0, pending: 0, held_back: planned.length - pushes.length }
  if (pushes.length === 0)
    return tally
  const now = new Date()
  if (sender === null) {
    tally.pending = pushes.length
    await sql.begin(tx => appendEvents(tx, now, pushes.map(push => event(push, 'push_pending', {
      reason: 'VAPID keys are not configured (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT)',
    }))))
    return tally
  }

  const memberIds = [...new Set(pushes.map(push => push.memberId))]
  const subscriptions = await sql<StoredPushSubscription[]>`
    select id, member_id, org_id, endpoint, p256dh, auth, failure_count
    from public.push_subscriptions where member_id in ${sql(memberIds)}`
  const devices = new Map<string, StoredPushSubscription[]>()
  for (const subscription of subscriptions)
    devices.set(subscription.member_id, [...devices.get(subscription.member_id) ?? [], subscription])

  const unreachable = pushes.filter(push => !devices.has(push.memberId))
  tally.no_subscription = unreachable.length
  await sql.begin(tx => appendEvents(tx, now, unreachable.map(push => event(push, 'push_failed', {
    outcome: 'no_subscription',
    error: 'the member has no device subscribed to alerts',
  }))))

  await inPool(pushes.filter(push => devices.has(push.memberId)), IN_FLIGHT, async (push) => {
    try {
      const deliveries = await sendLeadAlert(sender.deps, devices.get(push.memberId)!, push.payload, { vapid: sender.vapid, slaDueAt: push.slaDueAt })
      if (deliveries.some(delivery => delivery.outcome === 'sent'))
        tally.sent += 1
      else
        tally.failed += 1
      await recordPushOutcomes(sender.db(), deliveries, {
        kind: push.kind,
        leadId: push.payload.leadId,
        orgId: push.orgId,
        occurredAt: new Date(sender.deps.now()).toISOString(),
      }).catch(error => console.error(`sla-escalator: recording the ${push.kind} push for lead ${push.payload.leadId} failed:`, error))
    }
    catch (error) {
      // Only a payload or due time that cannot be encoded gets here: nothing was sent.
      tally.failed += 1
      console.error(`sla-escalator: ${push.kind} push for lead ${push.payload.leadId} failed:`, error)
    }
  })
  return tally
}
