import { describe, expect, it } from 'vitest'
import { recordPushOutcomes } from '../../../supabase/functions/_shared/push/record-push-outcomes.ts'
import type { PushOutcomeDb, StoredPushSubscription } from '../../../supabase/functions/_shared/push/record-push-outcomes.ts'
import type { PushDelivery, PushOutcome } from '../../../supabase/functions/_shared/push/send-push.ts'

interface Call {
  table: string
  op: 'delete' | 'update' | 'insert'
  values?: unknown
  filter?: [string, string, unknown]
}

/** Stands in for the supabase-js query builder, recording each write; `failing` tables answer with an error. */
function recordingDb(failing: string[] = []): { db: PushOutcomeDb, calls: Call[] } {
  const calls: Call[] = []
  const answer = (table: string) => Promise.resolve({ error: failing.includes(table) ? { message: `${table} is read-only` } : null })
  const record = (call: Call) => {
    calls.push(call)
    return answer(call.table)
  }
  const db: PushOutcomeDb = {
    from: table => ({
      delete: () => ({ in: (column, values) => record({ table, op: 'delete', filter: ['in', column, values] }) }),
      update: values => ({ filter: (column, operator, value) => record({ table, op: 'update', values, filter: [operator, column, value] }) }),
      insert: rows => record({ table, op: 'insert', values: rows }),
    }),
  }
  return { db, calls }
}

let counter = 0
function delivery(outcome: PushOutcome, statusCode: number | null, extra: Partial<PushDelivery<StoredPushSubscription>> = {}): PushDelivery<StoredPushSubscription> {
  counter += 1
  return {
    subscription: {
      id: `sub-${counter}`,
      member_id: 'member-1',
      org_id: 'org-1',
      endpoint: `https://push.example.net/wpush/v2/${counter}`,
      p256dh: 'key',
      auth: 'auth',
      failure_count: 2,
    },
    outcome,
    statusCode,
    attempts: 1,
    retryAfterMs: null,
    error: outcome === 'sent' ? null : `Received unexpected response code ${statusCode}`,
    ...extra,
  }
}

const context = { kind: 'hot_lead' as const, leadId: 'lead-1', orgId: 'org-1', occurredAt: '2026-03-02T14:00:05.000Z' }

describe('recordPushOutcomes', () => {
  it('deletes gone subscriptions, keeps healthy ones fresh and counts failures', async () => {
    const sent = delivery('sent', 201)
    const gone = delivery('gone', 410)
    const retry = delivery('retry', 503, { attempts: 4, retryAfterMs: 30_000 })
    const failed = delivery('failed', 403)
    const { db, calls } = recordingDb()
    await recordPushOutcomes(db, [sent, gone, retry, failed], context)

    const subscriptionWrites = calls.filter(call => call.table === 'push_subscriptions')
    expect(subscriptionWrites).toEqual(expect.arrayContaining([
      { table: 'push_subscriptions', op: 'delete', filter: ['in', 'id', [gone.subscription.id]] },
      { table: 'push_subscriptions', op: 'update', values: { last_success_at: context.occurredAt, failure_count: 0 }, filter: ['in', 'id', `("${sent.subscription.id}")`] },
      { table: 'push_subscriptions', op: 'update', values: { failure_count: 3 }, filter: ['eq', 'id', retry.subscription.id] },
      { table: 'push_subscriptions', op: 'update', values: { failure_count: 3 }, filter: ['eq', 'id', failed.subscription.id] },
    ]))
    expect(subscriptionWrites).toHaveLength(4)
  })

  it('appends one event per device to the lead\'s trail, without the endpoint itself', async () => {
    const sent = delivery('sent', 201)
    const retry = delivery('retry', 429, { attempts: 2, retryAfterMs: 60_000 })
    const { db, calls } = recordingDb()
    await recordPushOutcomes(db, [sent, retry], context)

    const inserts = calls.filter(call => call.table === 'lead_events')
    expect(inserts).toHaveLength(1)
    expect(inserts[0]?.values).toEqual([
      {
        lead_id: 'lead-1',
        org_id: 'org-1',
        type: 'push_sent',
        actor_id: null,
        occurred_at: context.occurredAt,
        details: { kind: 'hot_lead', outcome: 'sent', member_id: 'member-1', subscription_id: sent.subscription.id, push_service: 'https://push.example.net', status: 201, attempts: 1 },
      },
      {
        lead_id: 'lead-1',
        org_id: 'org-1',
        type: 'push_failed',
        actor_id: null,
        occurred_at: context.occurredAt,
        details: {
          kind: 'hot_lead',
          outcome: 'retry',
          member_id: 'member-1',
          subscription_id: retry.subscription.id,
          push_service: 'https://push.example.net',
          status: 429,
          attempts: 2,
          retry_after_ms: 60_000,
          error: 'Received unexpected response code 429',
        },
      },
    ])
    expect(JSON.stringify(inserts)).not.toContain('/wpush/')
  })

  it('writes no lead event for a test notification', async () => {
    const { db, calls } = recordingDb()
    await recordPushOutcomes(db, [delivery('sent', 201)], { ...context, kind: 'test', leadId: null })
    expect(calls.map(call => call.table)).toEqual(['push_subscriptions'])
  })

  it('writes nothing when there was nobody to send to', async () => {
    const { db, calls } = recordingDb()
    await recordPushOutcomes(db, [], context)
    expect(calls).toEqual([])
  })

  it('attempts every write and then reports the ones that failed', async () => {
    const { db, calls } = recordingDb(['lead_events'])
    await expect(recordPushOutcomes(db, [delivery('gone', 410)], context)).rejects.toThrow(/append lead events: lead_events is read-only/)
    expect(calls.map(call => call.op)).toEqual(['delete', 'insert'])
  })
})
