// send-test-push: the opt-in card's "Send a test" (see handler.ts).
import { callerFunctionContext } from '../_shared/caller-function.ts'
import { testPushPayload } from '../_shared/push/payload.ts'
import { recordPushOutcomes } from '../_shared/push/record-push-outcomes.ts'
import { sendLeadAlert } from '../_shared/push/send-push.ts'
import { handleTestPush } from './handler.ts'
import type { CallerTargets, TestTarget } from './handler.ts'

const { sender, asCaller } = callerFunctionContext('send-test-push', name => Deno.env.get(name))

// A test that arrives later than this tests nothing; the rep is looking at the phone now.
const testTtlMs = 60_000
// The rep waits on the answer: a short retry budget, not the alerts' ten seconds.
const testRetry = { maxAttempts: 2, maxTotalMs: 3_000 }

/** The caller's own subscriptions, read as the caller: row-level security picks them. */
async function targets(authorization: string, endpoint: string | null): Promise<CallerTargets> {
  let query = asCaller(authorization).from('push_subscriptions')
    .select('id, member_id, org_id, endpoint, p256dh, auth, failure_count, user_agent_label')
  if (endpoint !== null)
    query = query.eq('endpoint', endpoint)
  const { data, error, status } = await query
  return error ? { ok: false, status: status || 500, code: error.code ?? '', message: error.message } : { ok: true, targets: data as TestTarget[] }
}

Deno.serve(request => handleTestPush(request, {
  targets,
  send: sender && (subscriptions => sendLeadAlert(sender.deps, subscriptions, testPushPayload(new Date()), {
    vapid: sender.vapid,
    slaDueAt: new Date(Date.now() + testTtlMs).toISOString(),
    retry: testRetry,
  })),
  record: deliveries => sender === null || deliveries.length === 0
    ? Promise.resolve()
    : recordPushOutcomes(sender.db(), deliveries, { kind: 'test', leadId: null, orgId: deliveries[0]!.subscription.org_id, occurredAt: new Date().toISOString() }),
}))
