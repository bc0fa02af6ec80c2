// Hot-lead alerts in Chromium: the opt-in card, and the real service worker answering pushes
// delivered through the DevTools protocol (headless Chromium cannot reach a push service).
import type pg from 'pg'
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import type { LeadPushPayload } from '../../supabase/functions/_shared/push/payload.ts'
import { describeViolations, launchBrowser, newPhoneContext, seriousViolations, signInFromHome } from '../support/browser.ts'
import { serviceClient, sqlClient } from '../support/clients.ts'
import { startPushServiceDouble } from '../support/push-service-double.ts'
import type { PushServiceDouble } from '../support/push-service-double.ts'

const rep1 = '30000000-0000-4000-8000-000000000011'
const demoOrg = '10000000-0000-4000-8000-000000000001'
const demoTeam = '20000000-0000-4000-8000-000000000001'

interface ShownNotification {
  title: string
  body: string
  tag: string
  requireInteraction: boolean
  actions: Array<{ action: string, title: string }>
  data: unknown
}

/** Counts calls of Notification.requestPermission, to prove nothing asks on page load. */
function countPermissionRequests(): void {
  const w = window as unknown as { permissionRequests: number }
  w.permissionRequests = 0
  const original = Notification.requestPermission.bind(Notification)
  Notification.requestPermission = (...args) => {
    w.permissionRequests += 1
    return original(...args)
  }
}

/** Records tel: links the page follows instead of leaving for the dialer. */
function interceptTelLinks(): void {
  const w = window as unknown as { dialed: string[] }
  w.dialed = []
  window.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href^="tel:"]')
    if (link) {
      event.preventDefault()
      w.dialed.push(link.getAttribute('href')!)
    }
  }, true)
}

/**
 * Stands in for the browser's push service, which headless Chromium cannot reach: subscribe()
 * answers `device` (a push-double device, so the server's pushes to it are really sent, checked
 * and decrypted), getSubscription() returns it until unsubscribe(), across reloads.
 */
function fakePushService(device: { endpoint: string, p256dh: string, auth: string }): void {
  const storageKey = 'test:fake-push-subscription'
  const subscription = (serverKey: string) => ({
    endpoint: device.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: Uint8Array.from(atob(serverKey), c => c.charCodeAt(0)).buffer },
    getKey: () => null,
    toJSON: () => ({ endpoint: device.endpoint, expirationTime: null, keys: { p256dh: device.p256dh, auth: device.auth } }),
    unsubscribe: async () => {
      localStorage.removeItem(storageKey)
      return true
    },
  })
  PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
    const key = new Uint8Array(options!.applicationServerKey as ArrayBuffer)
    localStorage.setItem(storageKey, btoa(String.fromCharCode(...key)))
    return subscription(localStorage.getItem(storageKey)!) as unknown as PushSubscription
  }
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(storageKey)
    return (key === null ? null : subscription(key)) as unknown as PushSubscription | null
  }
}

function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready
    return (await registration.getNotifications()).map((n) => {
      const { actions } = n as Notification & { actions: Array<{ action: string, title: string }> }
      return { title: n.title, body: n.body, tag: n.tag, requireInteraction: n.requireInteraction, actions: actions.map(a => ({ action: a.action, title: a.title })), data: n.data as unknown }
    })
  })
}

describe('hot-lead alerts on the rep\'s phone', () => {
  const appUrl = inject('appUrl')
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let sql: pg.Client
  let leadId: string

  beforeAll(async () => {
    browser = await launchBrowser()
    sql = await sqlClient()
    // A lead of the test's own, so the seeded queue other browser tests work through stays as it was.
    const { rows: [lead] } = await sql.query<{ id: string }>(
      `insert into public.leads (org_id, team_id, assigned_to, assigned_at, full_name, company, phone, tier, score, status)
       values ($1, $2, $3, now(), 'Ines Duarte', 'Atlântico Tiles', '+351912345678', 'HOT', 91, 'assigned') returning id`,
      [demoOrg, demoTeam, rep1],
    )
    leadId = lead!.id
  })
  afterAll(async () => {
    await sql?.query('delete from public.leads where id = $1', [leadId])
    await sql?.query('update public.members set push_warm = false where id = $1', [rep1])
    await sql?.query('delete from public.push_subscriptions where member_id = $1', [rep1])
    await sql?.end()
    await browser?.close()
  })
  beforeEach(async () => {
    context = await newPhoneContext(browser)
    await context.addInitScript(countPermissionRequests)
    await context.addInitScript(interceptTelLinks)
    page = await context.newPage()
  })
  afterEach(async () => {
    await context?.close()
  })

  const signInAsRep1 = () => signInFromHome(page, 'rep1@demo.pronto.test')

  const card = () => page.getByTestId('push-card')
  const permissionRequests = () => page.evaluate(() => (window as unknown as { permissionRequests: number }).permissionRequests)

  it('offers alerts only once signed in, asks the browser only on Enable, and says why subscribe() failed', async () => {
    await context.grantPermissions(['notifications'], { origin: appUrl })
    await page.goto('/')
    await page.waitForURL('**/sign-in')
    expect(await card().count()).toBe(0)

    await signInAsRep1()
    await card().getByRole('heading', { name: 'Get a buzz for hot leads' }).waitFor()
    expect(await permissionRequests()).toBe(0)
    const violations = await seriousViolations(page)
    expect(violations, describeViolations(violations)).toEqual([])

    await card().getByRole('button', { name: 'Enable' }).tap()
    // Headless Chromium reaches no push service: subscribe() fails, and the rep is told why.
    const error = card().getByRole('alert')
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain('could not sign up with its push service')
    expect(await error.textContent()).toContain('Registration failed - permission denied')
    expect(await permissionRequests()).toBe(1)
    const { rows: [{ n }] } = await sql.query<{ n: number }>('select count(*)::int as n from public.push_subscriptions where member_id = $1', [rep1])
    expect(n).toBe(0)

    // "Not now" is remembered on the device; a quiet control stays to turn alerts on later.
    await card().getByRole('button', { name: 'Not now' }).tap()
    await card().getByRole('heading', { name: /Hot-lead alerts are off/ }).waitFor()
    await page.reload()
    await card().getByRole('button', { name: 'Turn on' }).waitFor()
    expect(await card().getByRole('heading', { name: 'Get a buzz for hot leads' }).count()).toBe(0)
    expect(await permissionRequests()).toBe(0)
  })

  it('says how to unblock notifications when the rep (here: headless Chromium) answers Block', async () => {
    await signInAsRep1()
    expect(await page.evaluate(() => Notification.permission)).toBe('default')
    await card().getByRole('button', { name: 'Enable' }).tap()
    await card().getByRole('heading', { name: 'Alerts are blocked' }).waitFor()
    expect(await page.evaluate(() => Notification.permission)).toBe('denied')
    expect(await permissionRequests()).toBe(1)
    expect(await card().getByRole('alert').textContent()).toContain('Notifications are blocked for Pronto')
    // Nothing offered that cannot work: the browser no longer asks once blocked.
    expect(await card().getByRole('button', { name: 'Enable' }).count()).toBe(0)
  })

  describe('with a push service the server can reach (faked at the browser\'s edge)', () => {
    let double: PushServiceDouble

    beforeAll(async () => {
      double = await startPushServiceDouble({ ca: inject('pushDoubleCa') })
    })
    afterAll(async () => {
      await double?.close()
    })

    const storedEndpoints = async () => {
      const { data, error } = await serviceClient().from('push_subscriptions').select('endpoint').eq('member_id', rep1)
      expect(error).toBeNull()
      return data!.map(row => row.endpoint)
    }

    it('turns alerts on, keeps the WARM choice, tests through the server, and forgets the phone on sign-out', async () => {
      const device = double.createDevice({ applicationServerKey: inject('stack').vapidPublicKey })
      await context.addInitScript(fakePushService, device.subscription)
      await context.grantPermissions(['notifications'], { origin: appUrl })
      await signInAsRep1()
      await card().getByRole('button', { name: 'Enable' }).tap()
      await card().getByRole('heading', { name: /Hot-lead alerts are on/ }).waitFor()
      await expect.poll(storedEndpoints).toEqual([device.subscription.endpoint])

      const warm = card().getByRole('switch', { name: 'Also alert me for warm leads' })
      await expect.poll(() => warm.isEnabled()).toBe(true)
      expect(await warm.isChecked()).toBe(false)
      expect((await card().locator('label.push-card__toggle').boundingBox())!.height).toBeGreaterThanOrEqual(48)
      await warm.tap()
      const warmStored = async () => (await sql.query('select push_warm from public.members where id = $1', [rep1])).rows[0].push_warm
      await expect.poll(warmStored).toBe(true)
      const violations = await seriousViolations(page)
      expect(violations, describeViolations(violations)).toEqual([])

      // The test goes out through the server and this phone's push service.
      await card().getByRole('button', { name: 'Send a test' }).tap()
      await card().getByRole('status').getByText('Test sent').waitFor()
      const [push] = double.receivedBy(device)
      expect(push).toMatchObject({ status: 201, rejection: null, payload: expect.objectContaining({ kind: 'test', leadId: null }) })

      // After a reload the choice is read back from the server.
      await page.reload()
      await expect.poll(() => card().getByRole('switch', { name: 'Also alert me for warm leads' }).isChecked()).toBe(true)

      await page.getByRole('button', { name: 'Sign out' }).tap()
      await page.waitForURL('**/sign-in')
      await expect.poll(storedEndpoints).toEqual([])
    })
  })

  describe('with the service worker in control', () => {
    let cdp: CDPSession
    let registrationId: string

    beforeEach(async () => {
      await context.grantPermissions(['notifications'], { origin: appUrl })
      await signInAsRep1()
      await page.evaluate(() => navigator.serviceWorker.ready)
      // The first page load ran before the worker existed; after a reload it controls the page.
      await page.reload()
      await page.getByTestId('signed-in-email').waitFor()
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/)

      cdp = await context.newCDPSession(page)
      const registered = new Promise<string>((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const ours = registrations.find(registration => registration.scopeURL === `${appUrl}/` && !registration.isDeleted)
          if (ours)
            resolve(ours.registrationId)
        })
      })
      await cdp.send('ServiceWorker.enable')
      registrationId = await registered
    })

    /**
     * Delivers a push through DevTools until the worker has shown what `shown` waits for. Under
     * load, Chromium now and then drops a DevTools delivery before it reaches the worker (no push
     * event fires at all), which is the harness's loss, not the app's; a real push service
     * redelivers too. Redelivery is safe here: notifications about one thing share a tag.
     */
    async function deliverPush<T>(data: string, shown: () => Promise<T>, expected: (value: T) => boolean): Promise<T> {
      let latest: T | undefined
      for (let delivery = 1; delivery <= 3; delivery++) {
        await cdp.send('ServiceWorker.deliverPushMessage', { origin: appUrl, registrationId, data })
        const deadline = Date.now() + 5_000
        while (Date.now() < deadline) {
          latest = await shown()
          if (expected(latest))
            return latest
          await new Promise(resolve => setTimeout(resolve, 100))
        }
      }
      return latest as T
    }

    /** A tap on the notification, as Chromium would dispatch it: a NotificationEvent on the worker, for the shown notification. */
    async function tapNotification(tag: string, action: string): Promise<void> {
      const [worker] = context.serviceWorkers()
      await worker!.evaluate(async ({ tag, action }) => {
        // Worker globals; this file is compiled with the DOM library.
        const scope = self as unknown as EventTarget & {
          registration: ServiceWorkerRegistration
          NotificationEvent: new (type: string, init: { notification: Notification, action: string }) => Event
        }
        const [notification] = await scope.registration.getNotifications({ tag })
        if (!notification)
          throw new Error(`no notification tagged ${tag}`)
        scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification, action }))
      }, { tag, action })
    }

    /** The HOT alert for the test's lead, with a phone to call, waiting since `waitingSince`. */
    const inesAlert = (waitingSince: Date): LeadPushPayload => ({
      kind: 'hot_lead',
      leadId,
      name: 'Ines Duarte',
      company: 'Atlântico Tiles',
      tier: 'HOT',
      source: 'Website demo form',
      waitingSince: waitingSince.toISOString(),
      phone: '+351912345678',
    })

    it('shows a pushed HOT lead with its summary, Call and Open; a tap on Call opens the lead with the call started', async () => {
      const payload = inesAlert(new Date(Date.now() - 3 * 60_000 - 5_000))
      const [shown] = await deliverPush(JSON.stringify(payload), () => shownNotifications(page), all => all.length === 1)
      expect(shown).toEqual({
        title: 'Hot lead: Ines Duarte',
        body: 'Atlântico Tiles · Website demo form · waiting 3 min',
        tag: `lead-${leadId}`,
        requireInteraction: true,
        actions: [{ action: 'call', title: 'Call' }, { action: 'open', title: 'Open' }],
        data: { leadId, phone: '+351912345678' },
      })

      // A repeat about the same lead replaces the first instead of piling up.
      const titles = () => shownNotifications(page).then(all => all.map(n => n.title))
      expect(await deliverPush(JSON.stringify({ ...payload, kind: 'sla_reminder' }), titles, all => all[0] !== 'Hot lead: Ines Duarte'))
        .toEqual(['Still waiting: Ines Duarte'])

      const { rows: [{ started }] } = await sql.query<{ started: Date }>('select now() as started')
      await tapNotification(`lead-${leadId}`, 'call')
      // The open window is taken to the lead; the page records the attempt and dials.
      await page.waitForURL(`**/lead/${leadId}`)
      expect(new URL(page.url()).search).toBe('')
      await page.getByRole('dialog', { name: 'How did it go with Ines Duarte?' }).waitFor()
      expect(await page.evaluate(() => (window as unknown as { dialed: string[] }).dialed)).toEqual(['tel:+351912345678'])
      await expect.poll(async () => (await sql.query(
        `select count(*)::int as n from public.lead_events where lead_id = $1 and type = 'contact_attempted' and actor_id = $2 and occurred_at >= $3`,
        [leadId, rep1, started],
      )).rows[0].n, { timeout: 10_000 }).toBe(1)
      expect(await shownNotifications(page)).toEqual([])
    })

    it('opens the lead from a tap on the body, and shows a generic notification for a push it cannot read', async () => {
      const summaries = () => shownNotifications(page).then(all => all.map(n => [n.title, n.tag, n.actions.length]))
      expect(await deliverPush('{"kind":"hot_lead","name":"half a payload"', summaries, all => all.length > 0))
        .toEqual([['New activity', 'pronto-activity', 0]])

      const forLead = () => shownNotifications(page).then(all => all.find(n => n.tag === `lead-${leadId}`))
      expect(await deliverPush(JSON.stringify({
        kind: 'warm_lead',
        leadId,
        name: 'Ines Duarte',
        company: null,
        tier: 'WARM',
        source: 'Website demo form',
        waitingSince: new Date().toISOString(),
        phone: null,
      } satisfies LeadPushPayload), forLead, lead => lead !== undefined))
        .toMatchObject({ title: 'Warm lead: Ines Duarte', requireInteraction: false, actions: [{ action: 'open', title: 'Open' }] })

      await tapNotification(`lead-${leadId}`, '')
      await page.waitForURL(`**/lead/${leadId}`)
      await page.locator('#lead-title').getByText('Ines Duarte').waitFor()
      expect(await page.evaluate(() => (window as unknown as { dialed: string[] }).dialed)).toEqual([])

      // Open on an alert that could call: the lead opens, and nothing dials or is recorded.
      await page.goto('/')
      await page.getByTestId('signed-in-email').waitFor()
      const { rows: [{ started }] } = await sql.query<{ started: Date }>('select now() as started')
      expect(await deliverPush(JSON.stringify(inesAlert(new Date())), forLead, lead => lead?.actions.length === 2)).toMatchObject({ title: 'Hot lead: Ines Duarte' })
      await tapNotification(`lead-${leadId}`, 'open')
      await page.waitForURL(`**/lead/${leadId}`)
      await page.locator('#lead-title').getByText('Ines Duarte').waitFor()
      expect(new URL(page.url()).search).toBe('')
      expect(await page.getByRole('dialog', { name: 'How did it go with Ines Duarte?' }).count()).toBe(0)
      expect(await page.evaluate(() => (window as unknown as { dialed: string[] }).dialed)).toEqual([])
      expect((await sql.query(
        `select count(*)::int as n from public.lead_events where lead_id = $1 and type = 'contact_attempted' and occurred_at >= $2`,
        [leadId, started],
      )).rows[0].n).toBe(0)
    })
  })
})
