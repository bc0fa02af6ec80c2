import { unwrap } from './errors'
import { invokeFunction } from './functions'
import { restClient } from './supabase'

/** What the server needs to send to one browser: its push endpoint and encryption keys (base64url). */
export interface DeviceSubscription {
  endpoint: string
  p256dh: string
  auth: string
}

/**
 * Stores this device's subscription for the signed-in member (the same endpoint again updates
 * it). `label` names the device in a list of the member's devices, e.g. "Android · Chrome".
 */
export async function registerPushSubscription(subscription: DeviceSubscription, label: string | null): Promise<void> {
  await unwrap<unknown>(restClient.rpc('register_push_subscription', {
    endpoint: subscription.endpoint,
    p256dh: subscription.p256dh,
    auth: subscription.auth,
    // Left out when unknown, so the function's default applies.
    ...(label === null ? {} : { user_agent_label: label }),
  }))
}

/** Forgets one of the member's subscriptions; false when the server had none with that endpoint. */
export function removePushSubscription(endpoint: string): Promise<boolean> {
  return unwrap<boolean>(restClient.rpc('remove_push_subscription', { endpoint }))
}

/** Whether the server still has this subscription of the signed-in member's (row-level security: their own only). */
export async function isPushSubscriptionStored(endpoint: string): Promise<boolean> {
  const rows = await unwrap<unknown[]>(restClient.from('push_subscriptions').select('id').eq('endpoint', endpoint).limit(1))
  return rows.length > 0
}

/** What one push service said to the test (the send-test-push function's answer per device). */
export interface TestPushDelivery {
  subscription_id: string
  device: string | null
  outcome: 'sent' | 'gone' | 'retry' | 'failed'
  status: number | null
  retry_after_ms: number | null
  error: string | null
}

/**
 * Has the server send the test notification to the device with this endpoint through its push
 * service. Throws an ApiError (code 'not_subscribed', 'push_not_configured'…) when it cannot.
 */
export async function sendTestPush(endpoint: string): Promise<TestPushDelivery[]> {
  const { deliveries } = await invokeFunction<{ deliveries: TestPushDelivery[] }>('send-test-push', { endpoint })
  return deliveries
}

/** Whether the member asked for alerts about WARM leads too (HOT always alert). */
export async function fetchWarmAlerts(memberId: string): Promise<boolean> {
  const row = await unwrap<{ push_warm: boolean }>(restClient.from('members').select('push_warm').eq('id', memberId).single())
  return row.push_warm
}

/** Saves the member's choice about WARM-lead alerts (a column members may update on their own row). */
export async function saveWarmAlerts(memberId: string, on: boolean): Promise<void> {
  await unwrap<unknown>(restClient.from('members').update({ push_warm: on }).eq('id', memberId).select('push_warm').single())
}
