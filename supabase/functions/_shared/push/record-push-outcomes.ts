// Writes what happened to each push: forgets dead subscriptions, keeps per-device health, and
// appends the outcome to the lead's event trail. Takes the service-role supabase-js client.
import type { LeadPushKind } from './payload.ts'
import type { PushDelivery, PushTarget } from './send-push.ts'

/** A push_subscriptions row as the sender reads it (service role). */
export interface StoredPushSubscription extends PushTarget {
  id: string
  member_id: string
  org_id: string
  failure_count: number
}

interface WriteResult {
  error: { message: string } | null
}

/**
 * The slice of a supabase-js client (service role) this module uses. Updates filter with
 * `filter()` rather than `eq()`/`in()`: comparing those against a client typed with the generated
 * `Database` is too deep for TypeScript (TS2589), so a typed client would not fit this interface.
 */
export interface PushOutcomeDb {
  from: (table: 'push_subscriptions' | 'lead_events') => {
    delete: () => { in: (column: string, values: readonly string[]) => PromiseLike<WriteResult> }
    update: (values: Record<string, unknown>) => { filter: (column: string, operator: 'eq' | 'in', value: string) => PromiseLike<WriteResult> }
    insert: (rows: Record<string, unknown>[]) => PromiseLike<WriteResult>
  }
}

/** A PostgREST `in` list: `("a","b")`. */
function postgrestList(values: readonly string[]): string {
  return `(${values.map(value => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')})`
}

export interface PushAlertContext {
  kind: LeadPushKind
  /** Null for test notifications: they touch no lead, so no event is written. */
  leadId: string | null
  orgId: string
  /** When the sending finished (ISO). */
  occurredAt: string
}

/** Only the push service's origin goes into the trail: the full endpoint is a capability to push to the device. */
function pushServiceOf(endpoint: string): string {
  try {
    return new URL(endpoint).origin
  }
  catch {
    return 'invalid endpoint'
  }
}

/** The lead_events row for one delivery: push_sent, or push_failed with why. */
export function pushEventRow(delivery: PushDelivery<StoredPushSubscription>, context: PushAlertContext & { leadId: string }): Record<string, unknown> {
  const { subscription } = delivery
  return {
    lead_id: context.leadId,
    org_id: context.orgId,
    type: delivery.outcome === 'sent' ? 'push_sent' : 'push_failed',
    actor_id: null,
    occurred_at: context.occurredAt,
    details: {
      kind: context.kind,
      outcome: delivery.outcome,
      member_id: subscription.member_id,
      subscription_id: subscription.id,
      push_service: pushServiceOf(subscription.endpoint),
      status: delivery.statusCode,
      attempts: delivery.attempts,
      ...(delivery.retryAfterMs == null ? {} : { retry_after_ms: delivery.retryAfterMs }),
      ...(delivery.error == null ? {} : { error: delivery.error.slice(0, 500) }),
    },
  }
}

async function check(label: string, write: PromiseLike<WriteResult>): Promise<string | null> {
  const { error } = await write
  return error ? `${label}: ${error.message}` : null
}

/**
 * Records the deliveries of one alert. 'gone' subscriptions are deleted; 'sent' ones get
 * last_success_at and a reset failure_count; 'retry'/'failed' ones count one more failure (from the
 * count read before sending: two alerts racing to the same device may count one failure once).
 * Every write is attempted; throws afterwards if any of them failed.
 */
export async function recordPushOutcomes(
  db: PushOutcomeDb,
  deliveries: readonly PushDelivery<StoredPushSubscription>[],
  context: PushAlertContext,
): Promise<void> {
  const idsWith = (outcome: PushDelivery['outcome']) =>
    deliveries.filter(d => d.outcome === outcome).map(d => d.subscription.id)
  const gone = idsWith('gone')
  const sent = idsWith('sent')
  const writes: Promise<string | null>[] = []

  if (gone.length > 0)
    writes.push(check('delete gone subscriptions', db.from('push_subscriptions').delete().in('id', gone)))
  if (sent.length > 0) {
    writes.push(check('mark subscriptions healthy', db.from('push_subscriptions')
      .update({ last_success_at: context.occurredAt, failure_count: 0 })
      .filter('id', 'in', postgrestList(sent))))
  }
  for (const delivery of deliveries) {
    if (delivery.outcome !== 'retry' && delivery.outcome !== 'failed')
      continue
    writes.push(check(`count failure of ${delivery.subscription.id}`, db.from('push_subscriptions')
      .update({ failure_count: delivery.subscription.failure_count + 1 })
      .filter('id', 'eq', delivery.subscription.id)))
  }
  const { leadId } = context
  if (leadId != null && deliveries.length > 0) {
    const rows = deliveries.map(delivery => pushEventRow(delivery, { ...context, leadId }))
    writes.push(check('append lead events', db.from('lead_events').insert(rows)))
  }

  const errors = (await Promise.all(writes)).filter((message): message is string => message != null)
  if (errors.length > 0)
    throw new Error(`recording push outcomes failed: ${errors.join('; ')}`)
}
