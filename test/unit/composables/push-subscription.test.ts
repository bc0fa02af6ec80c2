import webpush from 'web-push'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  base64UrlToBytes,
  deviceLabel,
  disablePush,
  enablePush,
  PushSetupError,
  pushUnavailable,
  readPushState,
  showTestNotification,
  subscribeFailure,
} from '@/composables/usePushSubscription'
import type { PushEnvironment, PushRegistration, PushServer } from '@/composables/usePushSubscription'

// The real server calls need the app's Supabase client; these tests pass fakes instead.
vi.mock('@/api/push', () => ({ registerPushSubscription: vi.fn(), removePushSubscription: vi.fn() }))

const { publicKey: vapidKey } = webpush.generateVAPIDKeys()
const { publicKey: otherKey } = webpush.generateVAPIDKeys()
const pixel = 'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0 Mobile Safari/537.36'
const iphoneSafari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1'

function fakeSubscription(key: string, endpoint = 'https://push.example.test/send/abc') {
  return {
    endpoint,
    options: { applicationServerKey: base64UrlToBytes(key).buffer, userVisibleOnly: true },
    toJSON: () => ({ endpoint, keys: { p256dh: 'BPublicKeyOfTheBrowser', auth: 'authSecret16' } }),
    unsubscribe: vi.fn(async () => true),
  }
}
type FakeSubscription = ReturnType<typeof fakeSubscription>

interface Browser {
  permission?: NotificationPermission
  /** What the permission question answers. */
  answer?: NotificationPermission
  existing?: FakeSubscription | null
  subscribe?: () => Promise<FakeSubscription>
  userAgent?: string
  standalone?: boolean
  key?: string | undefined
  ready?: Promise<unknown>
}

function fakeBrowser(browser: Browser = {}) {
  const notification = {
    permission: browser.permission ?? 'default',
    requestPermission: vi.fn(async () => {
      notification.permission = browser.answer ?? 'granted'
      return notification.permission
    }),
  }
  const made = fakeSubscription(browser.key ?? vapidKey, 'https://push.example.test/send/new')
  let current: FakeSubscription | null = browser.existing ?? null
  const pushManager = {
    getSubscription: vi.fn(async () => current),
    subscribe: vi.fn(async () => {
      current = await (browser.subscribe?.() ?? made)
      return current
    }),
  }
  const registration = { pushManager, showNotification: vi.fn(async () => {}) }
  const env: PushEnvironment = {
    notification: notification as unknown as PushEnvironment['notification'],
    registration: async () => (await (browser.ready ?? Promise.resolve()), registration as unknown as PushRegistration),
    facts: { userAgent: browser.userAgent ?? pixel, maxTouchPoints: 5, standalone: browser.standalone, displayModeStandalone: browser.standalone ?? false },
    vapidPublicKey: 'key' in browser ? browser.key : vapidKey,
  }
  return { env, notification, pushManager, registration, made }
}

function fakeServer(overrides: Partial<PushServer> = {}) {
  return {
    register: vi.fn(overrides.register ?? (async () => {})),
    remove: vi.fn(overrides.remove ?? (async () => true)),
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('base64UrlToBytes', () => {
  it('decodes the VAPID key to the 65-byte point subscribe() wants', () => {
    const bytes = base64UrlToBytes(vapidKey)
    expect(bytes).toHaveLength(65)
    expect(Buffer.from(bytes).equals(Buffer.from(vapidKey, 'base64url'))).toBe(true)
  })
})

describe('deviceLabel', () => {
  it('names the phone and the browser', () => {
    expect(deviceLabel(pixel)).toBe('Android · Chrome')
    expect(deviceLabel(iphoneSafari)).toBe('iPhone · Safari')
  })
})

describe('pushUnavailable', () => {
  it('asks iPhone Safari for the Home Screen app first', () => {
    expect(pushUnavailable(fakeBrowser({ userAgent: iphoneSafari }).env)).toBe('needs-home-screen')
    expect(pushUnavailable(fakeBrowser({ userAgent: iphoneSafari, standalone: true }).env)).toBeNull()
  })

  it('tells a browser without the APIs, and a build without a key', () => {
    expect(pushUnavailable({ ...fakeBrowser().env, registration: null })).toBe('unsupported')
    expect(pushUnavailable({ ...fakeBrowser().env, notification: null })).toBe('unsupported')
    expect(pushUnavailable(fakeBrowser({ key: undefined }).env)).toBe('not-configured')
    expect(pushUnavailable(fakeBrowser().env)).toBeNull()
  })
})

describe('enablePush', () => {
  it('asks, subscribes with the VAPID key for visible pushes only, and stores the device', async () => {
    const { env, notification, pushManager } = fakeBrowser()
    const server = fakeServer()
    await enablePush(env, server)
    expect(notification.requestPermission).toHaveBeenCalledTimes(1)
    const [options] = pushManager.subscribe.mock.calls[0] as unknown as [PushSubscriptionOptionsInit]
    expect(options.userVisibleOnly).toBe(true)
    expect(Buffer.from(options.applicationServerKey as Uint8Array).toString('base64url')).toBe(vapidKey)
    expect(server.register).toHaveBeenCalledWith(
      { endpoint: 'https://push.example.test/send/new', p256dh: 'BPublicKeyOfTheBrowser', auth: 'authSecret16' },
      'Android · Chrome',
    )
  })

  it('stops at a denied or dismissed permission question, with a reason', async () => {
    for (const [answer, reason] of [['denied', 'permission-denied'], ['default', 'permission-dismissed']] as const) {
      const { env, pushManager } = fakeBrowser({ answer })
      const server = fakeServer()
      const failure = await enablePush(env, server).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(PushSetupError)
      expect((failure as PushSetupError).reason).toBe(reason)
      expect(pushManager.subscribe).not.toHaveBeenCalled()
      expect(server.register).not.toHaveBeenCalled()
    }
  })

  it('explains a failed subscribe() in the browser\'s own words (headless Chromium has no push service)', async () => {
    const aborted = new DOMException('Registration failed - permission denied', 'AbortError')
    const { env } = fakeBrowser({ subscribe: async () => Promise.reject(aborted) })
    const server = fakeServer()
    const failure = await enablePush(env, server).catch((error: unknown) => error) as PushSetupError
    expect(failure.reason).toBe('push-service')
    expect(failure.message).toContain('Registration failed - permission denied')
    expect(failure.message).toMatch(/push service/)
    expect(failure.cause).toBe(aborted)
    expect(server.register).not.toHaveBeenCalled()
  })

  it('names a NotAllowedError from subscribe() as blocked notifications', () => {
    expect(subscribeFailure(new DOMException('Permission denied', 'NotAllowedError')).reason).toBe('permission-denied')
  })

  it('drops the browser subscription when the server cannot store it, so none is left behind unknown', async () => {
    const { env, made } = fakeBrowser()
    const server = fakeServer({ register: async () => Promise.reject(new Error('network down')) })
    const failure = await enablePush(env, server).catch((error: unknown) => error) as PushSetupError
    expect(failure.reason).toBe('not-saved')
    expect(made.unsubscribe).toHaveBeenCalledTimes(1)
  })

  it('replaces a subscription made with another key (keys rotated) and reuses one made with ours', async () => {
    const stale = fakeSubscription(otherKey, 'https://push.example.test/send/stale')
    const rotated = fakeBrowser({ existing: stale })
    await enablePush(rotated.env, fakeServer())
    expect(stale.unsubscribe).toHaveBeenCalledTimes(1)
    expect(rotated.pushManager.subscribe).toHaveBeenCalledTimes(1)

    const current = fakeSubscription(vapidKey, 'https://push.example.test/send/current')
    const same = fakeBrowser({ existing: current })
    const server = fakeServer()
    await enablePush(same.env, server)
    expect(same.pushManager.subscribe).not.toHaveBeenCalled()
    expect(server.register.mock.calls[0]![0].endpoint).toBe('https://push.example.test/send/current')
  })

  it('says so when no service worker ever becomes ready', async () => {
    vi.useFakeTimers()
    const { env } = fakeBrowser({ ready: new Promise(() => {}) })
    const pending = enablePush(env, fakeServer()).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(((await pending) as PushSetupError).reason).toBe('no-service-worker')
  })
})

describe('disablePush', () => {
  it('has the server forget the device, then drops the browser subscription', async () => {
    const existing = fakeSubscription(vapidKey)
    const { env } = fakeBrowser({ permission: 'granted', existing })
    const order: string[] = []
    const server = fakeServer({ remove: async () => order.push('server') })
    existing.unsubscribe.mockImplementation(async () => order.push('browser') > 0)
    expect(await disablePush(env, server)).toBe(true)
    expect(server.remove).toHaveBeenCalledWith(existing.endpoint)
    expect(order).toEqual(['server', 'browser'])
  })

  it('still drops the browser subscription when the server does not answer, and says the server was not told', async () => {
    vi.useFakeTimers()
    const existing = fakeSubscription(vapidKey)
    const { env } = fakeBrowser({ permission: 'granted', existing })
    const result = disablePush(env, fakeServer({ remove: () => new Promise(() => {}) }))
    await vi.advanceTimersByTimeAsync(5_000)
    expect(await result).toBe(false)
    expect(existing.unsubscribe).toHaveBeenCalledTimes(1)
  })

  it('does nothing where there is nothing to remove', async () => {
    const server = fakeServer()
    expect(await disablePush(fakeBrowser().env, server)).toBe(true)
    expect(await disablePush({ ...fakeBrowser().env, registration: null }, server)).toBe(true)
    expect(server.remove).not.toHaveBeenCalled()
  })
})

describe('readPushState', () => {
  it('reads blocked, off and on; an existing subscription is stored again so the server knows it', async () => {
    expect(await readPushState(fakeBrowser({ permission: 'denied' }).env, fakeServer())).toBe('blocked')
    expect(await readPushState(fakeBrowser({ permission: 'granted' }).env, fakeServer())).toBe('off')
    const server = fakeServer()
    expect(await readPushState(fakeBrowser({ permission: 'granted', existing: fakeSubscription(vapidKey) }).env, server)).toBe('on')
    expect(server.register).toHaveBeenCalledTimes(1)
  })

  it('counts a subscription made with another key as off', async () => {
    const stale = fakeSubscription(otherKey)
    expect(await readPushState(fakeBrowser({ permission: 'granted', existing: stale }).env, fakeServer())).toBe('off')
    expect(stale.unsubscribe).toHaveBeenCalled()
  })
})

describe('showTestNotification', () => {
  it('shows the test alert through the service worker registration, built like a pushed one', async () => {
    const { env, registration } = fakeBrowser({ permission: 'granted' })
    await showTestNotification(env, new Date('2026-03-02T14:00:00Z'))
    expect(registration.showNotification).toHaveBeenCalledWith('Pronto notifications are on', expect.objectContaining({
      tag: 'pronto-test',
      requireInteraction: false,
      data: { leadId: null, phone: null },
    }))
  })
})
