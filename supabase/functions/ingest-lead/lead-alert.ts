// The web push to the rep who got a HOT lead (or a WARM one, if they asked for those). Planned
// inside the ingest transaction, sent once it has committed (a rolled-back lead must not buzz a
// phone), and its outcome appended to the lead's events. Without VAPID keys nothing can be
// sent: the alert is recorded as pending instead.
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Sql, Tx } from '../_shared/db/postgres.ts'
import type { Tier } from '../_shared/domain/scoring.ts'
import type { LeadPushKind, LeadPushPayload } from '../_shared/push/payload.ts'
import type { PushOutcomeDb, StoredPushSubscription } from '../_shared/push/record-push-outcomes.ts'
import { recordPushOutcomes } from '../_shared/push/record-push-outcomes.ts'
import type { SendPushDeps, VapidDetails } from '../_shared/push/send-push.ts'
import { sendLeadAlert } from '../_shared/push/send-push.ts'

export interface AlertSender {
  vapid: VapidDetails
  deps: SendPushDeps
  /** Service-role client the outcome recorder writes through. */
  db: () => SupabaseClient
}

export interface PlannedAlert {
  memberId: string
  orgId: string
  kind: LeadPushKind
  payload: LeadPushPayload
  slaDueAt: string | null
}

/** Which alert a rep gets for a lead of `tier`; null when none. */
export function alertKind(tier: Tier, pushWarm: boolean): 'hot_lead' | 'warm_lead' | null {
  if (tier === 'HOT')
    return 'hot_lead'
  return tier === 'WARM' && pushWarm ? 'warm_lead' : null
}

export interface AlertLead {
  id: string
  orgId: string
  tier: Tier
  fullName: string | null
  email: string | null
  phone: string | null
  company: string | null
  sourceName: string
  waitingSince: Date
  slaDueAt: Date | null
}

/**
 * Decides the alert for `memberId`. With a sender it is returned for `sendAlert` after the commit;
 * without one (no VAPID keys) a push_pending event is written in the transaction.
 */
export async function planAlert(
  tx: Tx,
  lead: AlertLead,
  member: { id: string, pushWarm: boolean },
  sender: AlertSender | null,
  now: Date,
): Promise<PlannedAlert | null> {
  const kind = alertKind(lead.tier, member.pushWarm)
  if (kind === null)
    return null
  if (sender === null) {
    await tx`
      insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
      values (${lead.id}, ${lead.orgId}, 'push_pending', ${now},
              ${tx.json({ kind, member_id: member.id, reason: 'VAPID keys are not configured (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT)' })})`
    return null
  }
  return {
    memberId: member.id,
    orgId: lead.orgId,
    kind,
    slaDueAt: lead.slaDueAt?.toISOString() ?? null,
    payload: {
      kind,
      leadId: lead.id,
      name: lead.fullName ?? lead.email ?? lead.phone ?? 'New lead',
      company: lead.company,
      tier: lead.tier,
      source: lead.sourceName,
      waitingSince: lead.waitingSince.toISOString(),
      phone: lead.phone,
    },
  }
}

/** Sends a planned alert to every device of the rep and records the outcome; never throws. */
export async function sendAlert(sql: Sql, sender: AlertSender, alert: PlannedAlert): Promise<void> {
  try {
    const subscriptions = await sql<StoredPushSubscription[]>`
      select id, member_id, org_id, endpoint, p256dh, auth, failure_count
      from public.push_subscriptions where member_id = ${alert.memberId}`
    if (subscriptions.length === 0) {
      await sql`
        insert into public.lead_events (lead_id, org_id, type, details)
        values (${alert.payload.leadId}, ${alert.orgId}, 'push_failed',
                ${sql.json({ kind: alert.kind, member_id: alert.memberId, outcome: 'no_subscription', error: 'the rep has no device subscribed to alerts' })})`
      return
    }
    const deliveries = await sendLeadAlert(sender.deps, [...subscriptions], alert.payload, { vapid: sender.vapid, slaDueAt: alert.slaDueAt })
    await recordPushOutcomes(sender.db() as unknown as PushOutcomeDb, deliveries, {
      kind: alert.kind,
      leadId: alert.payload.leadId,
      orgId: alert.orgId,
      occurredAt: new Date(sender.deps.now()).toISOString(),
    })
  }
  catch (error) {
    console.error(`push alert for lead ${alert.payload.leadId} failed:`, error)
  }
}
