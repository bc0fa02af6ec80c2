import { unwrap } from './errors'
import { supabase } from './supabase'

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
  await unwrap<unknown>(supabase.rpc('register_push_subscription', {
    endpoint: subscription.endpoint,
    p256dh: subscription.p256dh,
    auth: subscription.auth,
    // Left out when unknown, so the function's default applies.
    ...(label === null ? {} : { user_agent_label: label }),
  }))
}

/** Forgets one of the member's subscriptions; false when the server had none with that endpoint. */
export function removePushSubscription(endpoint: string): Promise<boolean> {
  return unwrap<boolean>(supabase.rpc('remove_push_subscription', { endpoint }))
}
