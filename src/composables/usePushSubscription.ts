import { onMounted, readonly, ref, watch } from 'vue'
import { ApiError } from '@/api/errors'
import {
  fetchWarmAlerts,
  isPushSubscriptionStored,
  registerPushSubscription,
  removePushSubscription,
  saveWarmAlerts,
  sendTestPush,
} from '@/api/push'
import type { DeviceSubscription, TestPushDelivery } from '@/api/push'
import { wantsIosInstallHint } from '@/composables/useIosInstallHint'
import type { BrowserFacts } from '@/composables/useIosInstallHint'

/**
 * Where this device stands with hot-lead alerts:
 * - `unsupported`: the browser has no service worker or Push API
 * - `needs-home-screen`: iPhone/iPad Safari, which only lets apps added to the Home Screen receive pushes
 * - `not-configured`: the app was built without a VAPID public key
 * - `blocked`: the rep (or a policy) denied notifications for this site
 * - `off`: could be turned on
 * - `on`: subscribed, and the server knows this device
 */
export type PushState = 'unsupported' | 'needs-home-screen' | 'not-configured' | 'blocked' | 'off' | 'on'

export type PushFailureReason =
  | 'permission-denied'
  | 'permission-dismissed'
  | 'push-service'
  | 'no-service-worker'
  | 'not-saved'
  | 'unavailable'
  | 'test-not-delivered'

/** Turning alerts on failed; `message` says why, for the rep, and what to do. */
export class PushSetupError extends Error {
  constructor(readonly reason: PushFailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'PushSetupError'
  }
}

/** The part of a service worker registration push needs. */
export type PushRegistration = Pick<ServiceWorkerRegistration, 'pushManager' | 'showNotification'>

/** The browser APIs the plain functions below use; `browserPushEnvironment()` gives the real ones. */
export interface PushEnvironment {
  /** The Notification API, or null where the browser has none. */
  notification: Pick<typeof Notification, 'permission' | 'requestPermission'> | null
  /** The active service worker's registration, or null where service workers or the Push API are missing. */
  registration: (() => Promise<PushRegistration>) | null
  facts: BrowserFacts
  /** base64url VAPID public key from the build (VITE_VAPID_PUBLIC_KEY). */
  vapidPublicKey: string | undefined
}

/** The server side of a device's subscription (src/api/push.ts, a fake in tests). */
export interface PushServer {
  register: (subscription: DeviceSubscription, label: string | null) => Promise<void>
  remove: (endpoint: string) => Promise<unknown>
  isStored: (endpoint: string) => Promise<boolean>
  /** The server sends the test notification to this device through its push service. */
  sendTest: (endpoint: string) => Promise<TestPushDelivery[]>
}

export const pushServer: PushServer = {
  register: registerPushSubscription,
  remove: removePushSubscription,
  isStored: isPushSubscriptionStored,
  sendTest: sendTestPush,
}

// How long to wait for the service worker before saying it is missing (dev server, blocked worker).
const serviceWorkerWaitMs = 10_000
// Signing out waits for the server's removal at most this long; the push service's 410 cleans up later.
const removalWaitMs = 5_000

/** Decodes a base64url key (the VAPID public key) into the bytes `subscribe()` wants. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=')
  return Uint8Array.from(atob(base64), char => char.charCodeAt(0))
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength)
    return false
  const bytes = new Uint8Array(a)
  return bytes.every((byte, i) => byte === b[i])
}

/** A short name for this device in the rep's list of devices, e.g. "Android · Chrome". */
export function deviceLabel(userAgent: string): string {
  const os = /iPhone/.test(userAgent)
    ? 'iPhone'
    : /iPad/.test(userAgent) ? 'iPad' : /Android/.test(userAgent) ? 'Android' : /Mac OS X/.test(userAgent) ? 'Mac' : /Windows/.test(userAgent) ? 'Windows' : /Linux/.test(userAgent) ? 'Linux' : 'Device'
  const browser = /EdgA?\//.test(userAgent)
    ? 'Edge'
    : /SamsungBrowser\//.test(userAgent) ? 'Samsung Internet' : /Firefox\/|FxiOS/.test(userAgent) ? 'Firefox' : /Chrome\/|CriOS/.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser'
  return `${os} · ${browser}`
}

/** Why alerts cannot be offered here at all; null when they can. */
export function pushUnavailable(env: PushEnvironment): Exclude<PushState, 'blocked' | 'off' | 'on'> | null {
  // iOS Safari hides the Push API outside the Home Screen app, so ask for that before "unsupported".
  if (wantsIosInstallHint(env.facts))
    return 'needs-home-screen'
  if (!env.registration || !env.notification)
    return 'unsupported'
  if (!env.vapidPublicKey)
    return 'not-configured'
  return null
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

function registrationOf(env: PushEnvironment): Promise<PushRegistration> {
  if (!env.registration)
    return Promise.reject(new PushSetupError('unavailable', 'This browser cannot receive alerts.'))
  return withTimeout(env.registration(), serviceWorkerWaitMs, () => new PushSetupError(
    'no-service-worker',
    'Pronto is not installed on this phone yet (its service worker is not running). Reload the page and try again.',
  ))
}

/** The browser's subscription if it was made with our key; one made with another key is useless to us. */
async function currentSubscription(registration: PushRegistration, key: Uint8Array): Promise<PushSubscription | null> {
  const subscription = await registration.pushManager.getSubscription()
  if (subscription && !sameBytes(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe()
    return null
  }
  return subscription
}

/** What the server stores of a browser subscription. */
export function toDeviceSubscription(subscription: PushSubscription): DeviceSubscription {
  const json = subscription.toJSON()
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth)
    throw new PushSetupError('push-service', 'The browser returned a subscription without keys. Try again, or use another browser.')
  return { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }
}

/**
 * Where this device stands. A subscription the browser still holds is stored again when the
 * server lost it (deleted after a failed send, a reset database), so it hears of this device
 * again; a read tells, so opening the app writes nothing when all is in order.
 */
export async function readPushState(env: PushEnvironment, server: PushServer): Promise<PushState> {
  const unavailable = pushUnavailable(env)
  if (unavailable)
    return unavailable
  if (env.notification!.permission === 'denied')
    return 'blocked'
  const registration = await registrationOf(env)
  const subscription = await currentSubscription(registration, base64UrlToBytes(env.vapidPublicKey!))
  if (!subscription || env.notification!.permission !== 'granted')
    return 'off'
  const stored = await server.isStored(subscription.endpoint).catch(() => false)
  if (!stored)
    await server.register(toDeviceSubscription(subscription), deviceLabel(env.facts.userAgent)).catch(() => {})
  return 'on'
}

/** A failed `pushManager.subscribe()` explained: the browser's own words plus what to do. */
export function subscribeFailure(error: unknown): PushSetupError {
  const name = error instanceof Error ? error.name : ''
  const said = error instanceof Error && error.message ? ` (the browser said: "${error.message}")` : ''
  if (name === 'NotAllowedError')
    return new PushSetupError('permission-denied', `Notifications are blocked for Pronto${said}. Allow them in the browser's site settings, then try again.`, { cause: error })
  return new PushSetupError(
    'push-service',
    `This browser could not sign up with its push service${said}. Check your connection and try again; if it keeps failing, this browser cannot receive alerts.`,
    { cause: error },
  )
}

/**
 * Asks for permission (call it from a tap: browsers refuse prompts nobody asked for), subscribes
 * this browser with the VAPID key and stores the subscription for the signed-in rep.
 * Throws a PushSetupError whose message can be shown as is.
 */
export async function enablePush(env: PushEnvironment, server: PushServer): Promise<void> {
  if (pushUnavailable(env))
    throw new PushSetupError('unavailable', 'This browser cannot receive alerts.')
  const permission = await env.notification!.requestPermission()
  if (permission === 'denied')
    throw new PushSetupError('permission-denied', 'Notifications are blocked for Pronto. Allow them in the browser\'s site settings, then try again.')
  if (permission !== 'granted')
    throw new PushSetupError('permission-dismissed', 'The browser\'s question was closed without an answer. Tap Enable again and choose Allow.')
  const key = base64UrlToBytes(env.vapidPublicKey!)
  const registration = await registrationOf(env)
  let subscription = await currentSubscription(registration, key)
  if (!subscription) {
    try {
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
    }
    catch (error) {
      throw subscribeFailure(error)
    }
  }
  try {
    await server.register(toDeviceSubscription(subscription), deviceLabel(env.facts.userAgent))
  }
  catch (error) {
    // A subscription the server does not know would never get an alert: do not leave it behind.
    await subscription.unsubscribe().catch(() => {})
    if (error instanceof PushSetupError)
      throw error
    throw new PushSetupError('not-saved', 'Pronto could not save this phone for alerts. Check your connection and try again.', { cause: error })
  }
}

/**
 * Stops alerts on this device: the server forgets it (while the session still exists), then the
 * browser drops the subscription. Never throws: if the server cannot be told, the push service
 * answers 410 to the next alert and the sender deletes the subscription then.
 * @returns whether the server confirmed the removal (true too when there was nothing to remove).
 */
export async function disablePush(env: PushEnvironment, server: PushServer): Promise<boolean> {
  if (!env.registration)
    return true
  let subscription: PushSubscription | null
  try {
    subscription = await (await registrationOf(env)).pushManager.getSubscription()
  }
  catch {
    return true
  }
  if (!subscription)
    return true
  let removed = true
  try {
    await withTimeout(server.remove(subscription.endpoint), removalWaitMs, () => new Error('timed out'))
  }
  catch {
    removed = false
  }
  await subscription.unsubscribe().catch(() => {})
  return removed
}

/** Why the test did not reach this device, in the rep's words, from what its push service said. */
export function testPushFailure(delivery: TestPushDelivery | undefined): PushSetupError {
  if (!delivery)
    return new PushSetupError('test-not-delivered', 'The server does not know this phone. Turn alerts off and on again.')
  const status = delivery.status == null ? '' : ` (status ${delivery.status})`
  switch (delivery.outcome) {
    case 'gone':
      return new PushSetupError('test-not-delivered', `This phone's push service says its subscription no longer exists${status}. Turn alerts off and on again.`)
    case 'retry':
      return new PushSetupError('test-not-delivered', `This phone's push service is busy${status}. Try the test again in a minute.`)
    default:
      return new PushSetupError('test-not-delivered', `This phone's push service refused the test${status}: ${delivery.error ?? 'no reason given'}.`)
  }
}

/**
 * Has the server send the test notification to this device through its push service, the way a
 * lead alert travels (no local shortcut: a notification shown by the page itself would prove
 * nothing about the server's keys, the push service or the subscription). Resolves once the push
 * service accepted it; throws a PushSetupError saying why not otherwise.
 */
export async function sendTestThroughServer(env: PushEnvironment, server: PushServer): Promise<void> {
  const subscription = await (await registrationOf(env)).pushManager.getSubscription()
  if (!subscription)
    throw new PushSetupError('test-not-delivered', 'Alerts are not on for this phone. Turn them on first.')
  let deliveries: TestPushDelivery[]
  try {
    deliveries = await server.sendTest(subscription.endpoint)
  }
  catch (error) {
    // The function's refusals carry a code and a sentence for the rep ('not_subscribed', 'push_not_configured').
    if (error instanceof ApiError && error.code !== '')
      throw new PushSetupError('test-not-delivered', error.message, { cause: error })
    throw new PushSetupError('test-not-delivered', 'Pronto could not be reached to send the test. Check your connection and try again.', { cause: error })
  }
  const mine = deliveries.find(delivery => delivery.outcome === 'sent') ?? deliveries[0]
  if (mine?.outcome !== 'sent')
    throw testPushFailure(mine)
}

/** The real browser, read when called (never at import, so this module loads anywhere). */
export function browserPushEnvironment(): PushEnvironment {
  const hasWorker = typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof PushManager !== 'undefined'
  return {
    notification: typeof Notification === 'undefined' ? null : Notification,
    registration: hasWorker ? () => navigator.serviceWorker.ready : null,
    facts: {
      userAgent: typeof navigator === 'undefined' ? '' : navigator.userAgent,
      maxTouchPoints: typeof navigator === 'undefined' ? 0 : navigator.maxTouchPoints,
      standalone: typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { standalone?: boolean }).standalone,
      displayModeStandalone: typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches,
    },
    vapidPublicKey: import.meta.env.VITE_VAPID_PUBLIC_KEY,
  }
}

/** For the session's sign-out: this device stops getting the rep's alerts. */
export function forgetPushSubscription(): Promise<boolean> {
  return disablePush(browserPushEnvironment(), pushServer)
}

function messageOf(error: unknown): string {
  return error instanceof PushSetupError ? error.message : 'Something went wrong. Try again in a moment.'
}

/**
 * Hot-lead alerts on this device.
 * @returns `state` (see PushState, null until read), `busy`, `error` (a sentence for the rep),
 * `enable()`, `disable()`, `sendTest()` and `refresh()`.
 */
export function usePushSubscription(env: () => PushEnvironment = browserPushEnvironment, server: PushServer = pushServer) {
  const state = ref<PushState | null>(null)
  const busy = ref(false)
  const error = ref('')

  async function run(work: () => Promise<void>): Promise<void> {
    busy.value = true
    error.value = ''
    try {
      await work()
    }
    catch (failure) {
      error.value = messageOf(failure)
    }
    finally {
      busy.value = false
    }
  }

  const refresh = () => run(async () => {
    state.value = await readPushState(env(), server)
  })

  onMounted(() => void refresh())

  return {
    state: readonly(state),
    busy: readonly(busy),
    error: readonly(error),
    refresh,
    /** Asks for permission and subscribes; call it from the rep's tap. */
    enable: () => run(async () => {
      try {
        await enablePush(env(), server)
        state.value = 'on'
      }
      catch (failure) {
        // The tap may have changed where the device stands (permission now denied): show that too.
        state.value = await readPushState(env(), server).catch(() => state.value)
        throw failure
      }
    }),
    disable: () => run(async () => {
      await disablePush(env(), server)
      state.value = await readPushState(env(), server)
    }),
    /** The server sends a test through this phone's push service; `error` says why it did not arrive. */
    sendTest: () => run(() => sendTestThroughServer(env(), server)),
  }
}

/** Reading and saving the WARM-lead alerts choice (src/api/push.ts, a fake in tests). */
export interface WarmAlertsServer {
  read: (memberId: string) => Promise<boolean>
  save: (memberId: string, on: boolean) => Promise<void>
}

export const warmAlertsServer: WarmAlertsServer = { read: fetchWarmAlerts, save: saveWarmAlerts }

/**
 * The signed-in member's choice of alerts for WARM leads too (HOT leads always alert).
 * @returns `warm` (null until read or when it cannot be), `saving`, `error` and `setWarm(on)`,
 * which shows the choice at once and puts it back if the server does not take it.
 */
export function useWarmAlerts(memberId: () => string | null, server: WarmAlertsServer = warmAlertsServer) {
  const warm = ref<boolean | null>(null)
  const saving = ref(false)
  const error = ref('')

  watch(memberId, async (id) => {
    warm.value = null
    error.value = ''
    if (id === null)
      return
    const value = await server.read(id).catch(() => null)
    if (memberId() === id)
      warm.value = value
  }, { immediate: true })

  async function setWarm(on: boolean): Promise<void> {
    const id = memberId()
    if (id === null || saving.value)
      return
    const before = warm.value
    warm.value = on
    saving.value = true
    error.value = ''
    try {
      await server.save(id, on)
    }
    catch {
      warm.value = before
      error.value = 'Your choice about warm leads was not saved. Check your connection and try again.'
    }
    finally {
      saving.value = false
    }
  }

  return { warm: readonly(warm), saving: readonly(saving), error: readonly(error), setWarm }
}
