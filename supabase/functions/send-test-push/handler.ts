// POST /functions/v1/send-test-push {"endpoint"?: "<this device's push endpoint>"}: the "Send a
// test" button. Sends the test payload through the push services to the caller's own devices
// (only the one named, when an endpoint is given) the way a lead alert goes, and answers what each
// push service said, so the rep learns whether alerts really reach this phone.
import { acceptAppCall, appJson, appRefusal, readJsonObject } from '../_shared/app-answers.ts'
import type { StoredPushSubscription } from '../_shared/push/record-push-outcomes.ts'
import type { PushDelivery } from '../_shared/push/send-push.ts'

export interface TestTarget extends StoredPushSubscription {
  user_agent_label: string | null
}

/** The caller's subscriptions (row-level security: their own only), or why they could not be read. */
export type CallerTargets = { ok: true, targets: TestTarget[] } | { ok: false, status: number, code: string, message: string }

export interface TestPushDeps {
  targets: (authorization: string, endpoint: string | null) => Promise<CallerTargets>
  /** Null when the VAPID secrets are not set. */
  send: ((targets: TestTarget[]) => Promise<PushDelivery<TestTarget>[]>) | null
  /** Forgets gone subscriptions and keeps per-device health, as for any alert. */
  record: (deliveries: PushDelivery<TestTarget>[]) => Promise<void>
}

/** One device's result, as the card shows it. */
export interface TestPushResult {
  subscription_id: string
  device: string | null
  outcome: PushDelivery['outcome']
  status: number | null
  retry_after_ms: number | null
  error: string | null
}

/** The device the test is for (null: all of the caller's), or why the body is refused. */
async function readEndpoint(request: Request): Promise<{ endpoint: string | null } | string> {
  const body = await readJsonObject(request, 'The body must be JSON: {"endpoint": "<optional push endpoint>"}')
  if (typeof body === 'string')
    return body
  const { endpoint } = body
  if (endpoint === undefined || endpoint === null)
    return { endpoint: null }
  if (typeof endpoint !== 'string' || !endpoint.startsWith('https://'))
    return 'endpoint: must be the https:// push endpoint of a subscription'
  return { endpoint }
}

export async function handleTestPush(request: Request, deps: TestPushDeps): Promise<Response> {
  const call = await acceptAppCall(request, { method: 'Send a test with POST', signIn: 'Sign in first' }, readEndpoint)
  if (call instanceof Response)
    return call
  const { authorization, body: { endpoint } } = call

  const read = await deps.targets(authorization, endpoint)
  if (!read.ok)
    return appRefusal(read.status, read.code, read.message)
  if (read.targets.length === 0) {
    return appRefusal(404, 'not_subscribed', endpoint === null
      ? 'No device of yours has alerts turned on.'
      : 'The server does not know this device. Turn alerts off and on again.')
  }
  if (deps.send === null)
    return appRefusal(503, 'push_not_configured', 'The server has no push (VAPID) keys configured, so it cannot send alerts yet.')

  const deliveries = await deps.send(read.targets)
  // The rep's answer does not depend on the bookkeeping; a failed write is logged.
  await deps.record(deliveries).catch(error => console.error('send-test-push: recording the outcomes failed:', error))
  return appJson(200, {
    deliveries: deliveries.map((delivery): TestPushResult => ({
      subscription_id: delivery.subscription.id,
      device: delivery.subscription.user_agent_label,
      outcome: delivery.outcome,
      status: delivery.statusCode,
      retry_after_ms: delivery.retryAfterMs,
      error: delivery.error,
    })),
  })
}
