import webpush from 'web-push'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/errors'
import type { TestPushDelivery } from '@/api/push'
import {
  base64UrlToBytes,
  deviceLabel,
  disablePush,
  enablePush,
  PushSetupError,
  pushUnavailable,
  readPushState,
  sendTestThroughServer,
  subscribeFailure,
  useWarmAlerts,
} from '@/composables/usePushSubscription'
import type { PushEnvironment, PushRegistration, PushServer, WarmAlertsServer } from '@/composables/usePushSubscription'

// The real server calls need the app's Supabase client; these tests pass fakes instead.
vi.mock('@/api/push', () => ({
  registerPushSubscription: vi.fn(),
  removePushSubscription: vi.fn(),
  isPushSubscriptionStored: vi.fn(),
  sendTestPush: vi.fn(),
  fetchWarmAlerts: vi.fn(),
  saveWarmAlerts: vi.fn(),
}))

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
    isStored: vi.fn(overrides.isStored ?? (async () => true)),
    sendTest: vi.fn(overrides.sendTest ?? (async () => [delivery('sent', 201)])),
  }
}

function delivery(outcome: TestPushDelivery['outcome'], status: number | null, error: string | null = null): TestPushDelivery {
  return { subscription_id: 'sub-1', device: 'Android · Chrome', outcome, status, retry_after_ms: null, error }
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
  it('reads blocked, off and on; a subscription the server lost is stored again so the server knows it', async () => {
    expect(await readPushState(fakeBrowser({ permission: 'denied' }).env, fakeServer())).toBe('blocked')
    expect(await readPushState(fakeBrowser({ permission: 'granted' }).env, fakeServer())).toBe('off')
    const server = fakeServer({ isStored: async () => false })
    expect(await readPushState(fakeBrowser({ permission: 'granted', existing: fakeSubscription(vapidKey) }).env, server)).toBe('on')
    expect(server.isStored).toHaveBeenCalledWith('https://push.example.test/send/abc')
    expect(server.register).toHaveBeenCalledTimes(1)
  })

  it('writes nothing when the server already has the subscription (every opening of the app reads the state)', async () => {
    const server = fakeServer()
    const { env } = fakeBrowser({ permission: 'granted', existing: fakeSubscription(vapidKey) })
    expect(await readPushState(env, server)).toBe('on')
    expect(await readPushState(env, server)).toBe('on')
    expect(server.isStored).toHaveBeenCalledTimes(2)
    expect(server.register).not.toHaveBeenCalled()
  })

  it('counts a subscription made with another key as off', async () => {
    const stale = fakeSubscription(otherKey)
    expect(await readPushState(fakeBrowser({ permission: 'granted', existing: stale }).env, fakeServer())).toBe('off')
    expect(stale.unsubscribe).toHaveBeenCalled()
  })
})

describe('sendTestThroughServer', () => {
  const subscribed = () => fakeBrowser({ permission: 'granted', existing: fakeSubscription(vapidKey) }).env

  it('asks the server to push the test to this device, and resolves once its push service accepted it', async () => {
    const server = fakeServer()
    await sendTestThroughServer(subscribed(), server)
    expect(server.sendTest).toHaveBeenCalledWith('https://push.example.test/send/abc')
  })

  it('says what the push service answered when the test did not go through', async () => {
    const said = (answer: TestPushDelivery[]) => sendTestThroughServer(subscribed(), fakeServer({ sendTest: async () => answer })).catch((error: Error) => error.message)
    expect(await said([delivery('gone', 410)])).toBe('This phone\'s push service says its subscription no longer exists (status 410). Turn alerts off and on again.')
    expect(await said([delivery('retry', 429)])).toBe('This phone\'s push service is busy (status 429). Try the test again in a minute.')
    expect(await said([delivery('failed', 403, 'Received unexpected response code 403')])).toBe('This phone\'s push service refused the test (status 403): Received unexpected response code 403.')
    expect(await said([])).toBe('The server does not know this phone. Turn alerts off and on again.')
  })

  it('passes the server\'s own refusal on, and tells a network failure apart', async () => {
    const refused = fakeServer({ sendTest: async () => { throw new ApiError('server', 'The server has no push (VAPID) keys configured, so it cannot send alerts yet.', 503, 'push_not_configured') } })
    await expect(sendTestThroughServer(subscribed(), refused)).rejects.toThrow('no push (VAPID) keys configured')
    const offline = fakeServer({ sendTest: async () => { throw new ApiError('network', 'Failed to fetch', 0, '') } })
    await expect(sendTestThroughServer(subscribed(), offline)).rejects.toMatchObject({ reason: 'test-not-delivered', message: expect.stringContaining('could not be reached') })
  })

  it('asks to turn alerts on first when this browser holds no subscription', async () => {
    const server = fakeServer()
    await expect(sendTestThroughServer(fakeBrowser({ permission: 'granted' }).env, server)).rejects.toThrow('Alerts are not on for this phone')
    expect(server.sendTest).not.toHaveBeenCalled()
  })
})

describe('useWarmAlerts', () => {
  function fakeWarmServer(stored: boolean, save: WarmAlertsServer['save'] = async () => {}) {
    return { read: vi.fn(async () => stored), save: vi.fn(save) }
  }
  const settled = () => new Promise(resolve => setTimeout(resolve, 0))

  it('reads the member\'s choice and saves a change', async () => {
    const server = fakeWarmServer(false)
    const { warm, setWarm } = useWarmAlerts(() => 'rep-1', server)
    expect(warm.value).toBeNull()
    await settled()
    expect(server.read).toHaveBeenCalledWith('rep-1')
    expect(warm.value).toBe(false)
    await setWarm(true)
    expect(server.save).toHaveBeenCalledWith('rep-1', true)
    expect(warm.value).toBe(true)
  })

  it('puts the choice back and says so when the server does not take it', async () => {
    const { warm, error, setWarm } = useWarmAlerts(() => 'rep-1', fakeWarmServer(true, async () => { throw new Error('offline') }))
    await settled()
    const saving = setWarm(false)
    // Shown at once, before the server answers.
    expect(warm.value).toBe(false)
    await saving
    expect(warm.value).toBe(true)
    expect(error.value).toContain('not saved')
  })

  it('offers nothing without a signed-in member', async () => {
    const server = fakeWarmServer(true)
    const { warm, setWarm } = useWarmAlerts(() => null, server)
    await settled()
    await setWarm(true)
    expect(warm.value).toBeNull()
    expect(server.read).not.toHaveBeenCalled()
    expect(server.save).not.toHaveBeenCalled()
  })
})
