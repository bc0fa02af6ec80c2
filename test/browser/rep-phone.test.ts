import type pg from 'pg'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { collectPageErrors, describeViolations, launchBrowser, newPhoneContext, seriousViolations, signInFromHome } from '../support/browser.ts'
import { signedInClient, sqlClient } from '../support/clients.ts'
import { storageKeys } from '../../src/shared/constants.ts'

// Seeded ids (supabase/seed.sql).
const rep1 = '30000000-0000-4000-8000-000000000011'
const rep2 = '30000000-0000-4000-8000-000000000012'
const leads = {
  priya: '90000000-0000-4000-8000-000000000001',
  marcus: '90000000-0000-4000-8000-000000000002',
  elena: '90000000-0000-4000-8000-000000000003',
}

/** Stops tel:, sms: and mailto: links from leaving the page, and records where they pointed. */
function interceptContactLinks(): void {
  const w = window as unknown as { dialed: string[] }
  w.dialed = []
  window.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href^="tel:"], a[href^="sms:"], a[href^="mailto:"]')
    if (link) {
      event.preventDefault()
      w.dialed.push(link.getAttribute('href')!)
    }
  }, true)
}

/** Records in one store of the app's IndexedDB database, read straight from the database. */
function storedCount(page: Page, store: 'outbox' | 'snapshots'): Promise<number> {
  return page.evaluate(store => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('pronto')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      if (!db.objectStoreNames.contains(store)) {
        db.close()
        resolve(0)
        return
      }
      const count = db.transaction(store).objectStore(store).count()
      count.onsuccess = () => {
        db.close()
        resolve(count.result)
      }
      count.onerror = () => reject(count.error)
    }
  }), store)
}

/** Writes waiting in the app's outbox. */
const outboxCount = (page: Page) => storedCount(page, 'outbox')

async function expectNoSeriousViolations(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page)
  expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([])
}

describe('the rep\'s phone', () => {
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let sql: pg.Client

  beforeAll(async () => {
    browser = await launchBrowser()
    sql = await sqlClient()
  })
  afterAll(async () => {
    await browser?.close()
    await sql?.end()
  })
  beforeEach(async () => {
    context = await newPhoneContext(browser)
    await context.addInitScript(interceptContactLinks)
    page = await context.newPage()
  })
  afterEach(async () => {
    await context?.close()
  })

  const signInAsRep1 = () => signInFromHome(page, 'rep1@demo.pronto.test')

  /** Inserts a HOT lead assigned to rep1 with a running SLA clock, as routing would. */
  async function assignNewLead(name: string, score: number, message: string): Promise<{ id: string }> {
    const [first, last] = name.split(' ')
    const { rows: [row] } = await sql.query<{ id: string }>(`
      insert into public.leads (org_id, team_id, source_id, full_name, first_name, last_name, phone, email, company, title,
                                message, score, tier, status, assigned_to, assigned_at, sla_state, sla_started_at, sla_due_at)
      values ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', '80000000-0000-4000-8000-000000000001',
              $1, $2, $3, '+14155550777', lower($2) || '@example.com', 'Quinn Labs', 'Founder',
              $4, $5, 'HOT', 'assigned', $6, now(), 'running', now(), now() + interval '5 minutes')
      returning id`, [name, first, last, message, score, rep1])
    return row
  }

  const leadHeading = () => page.locator('#lead-title')
  const pendingBadge = () => page.getByTestId('pending-sync-count')

  /** Ids of the leads the phone keeps for offline use ([] before it has kept any). */
  const cachedIds = () => page.evaluate(userId => new Promise<string[]>((resolve, reject) => {
    const open = indexedDB.open('pronto')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const read = open.result.transaction('snapshots').objectStore('snapshots').get(userId)
      read.onsuccess = () => resolve(((read.result as { leads: Array<{ lead: { id: string } }> } | undefined)?.leads ?? []).map(entry => entry.lead.id))
      read.onerror = () => reject(read.error)
    }
  }), rep1)

  async function waitForLead(name: string): Promise<void> {
    // A short read per try: with no lead on screen the poll retries instead of waiting on the element.
    await expect.poll(() => leadHeading().textContent({ timeout: 1_000 }).catch(() => null), { timeout: 10_000 }).toBe(name)
  }

  async function chooseOutcome(outcome: string, notes: string): Promise<void> {
    const sheet = page.getByRole('dialog')
    await sheet.getByRole('radio', { name: outcome }).check()
    await sheet.getByLabel('Notes').fill(notes)
  }

  it('works through the queue with no signal, survives a reload and syncs each outcome exactly once', async () => {
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    const { rows: [{ started }] } = await sql.query<{ started: Date }>('select now() as started')
    await signInAsRep1()

    // The next best lead: rep1's HOT lead, in preview mode (context first, Call not armed yet).
    await waitForLead('Marcus Webb')
    await expect.poll(() => page.locator('[data-lead-id]').getAttribute('data-lead-id')).toBe(leads.marcus)
    expect(await page.getByText('Demo please, we are replacing our current tool this quarter.').isVisible()).toBe(true)
    expect(await page.getByTestId('sla-countdown').textContent()).toMatch(/left to respond|Overdue by|Response time met/)
    expect(await page.getByRole('link', { name: /^Call/ }).count()).toBe(0)
    await page.getByRole('button', { name: 'I\'ve read it: show Call' }).tap()

    // Tapping Call dials and records the contact attempt at once (online: it reaches the server).
    const call = page.getByRole('link', { name: /^Call Marcus Webb/ })
    expect(await call.getAttribute('href')).toBe('tel:+14155550142')
    const box = await call.boundingBox()
    expect(box!.height).toBeGreaterThanOrEqual(48)
    expect(box!.y + box!.height).toBeGreaterThan(844 - 200)
    await call.tap()
    expect(await page.evaluate(() => (window as unknown as { dialed: string[] }).dialed)).toEqual(['tel:+14155550142'])
    await page.getByRole('dialog', { name: 'How did it go with Marcus Webb?' }).waitFor()
    await expect.poll(async () => (await sql.query(
      `select count(*)::int as n from public.lead_events where lead_id = $1 and type = 'contact_attempted' and actor_id = $2 and occurred_at >= $3`,
      [leads.marcus, rep1, started],
    )).rows[0].n, { timeout: 10_000 }).toBe(1)
    await expect.poll(() => outboxCount(page)).toBe(0)

    // No signal from here.
    await context.setOffline(true)
    await page.getByTestId('offline-banner').waitFor()

    await chooseOutcome('Meeting booked', 'Demo booked for Tuesday')
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    // Progressive mode: the next lead is ready at once, from the phone's own copy of the queue.
    await waitForLead('Priya Nair')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lead-title')
    await expect.poll(() => pendingBadge().textContent()).toBe('1')

    await page.getByRole('link', { name: /^Call Priya Nair/ }).tap()
    await page.getByRole('dialog', { name: 'How did it go with Priya Nair?' }).waitFor()
    await chooseOutcome('Call back later', 'Wants a call after lunch tomorrow')
    const callbackAt = new Date(Date.now() + 24 * 60 * 60_000)
    callbackAt.setSeconds(0, 0)
    const local = new Date(callbackAt.getTime() - callbackAt.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
    await page.getByLabel('Call back at').fill(local)
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    await waitForLead('Elena Rossi')
    await expect.poll(() => pendingBadge().textContent()).toBe('3')

    // Elena left no phone number: the outcome is logged without a call from the app.
    expect(await page.getByRole('link', { name: /^Call/ }).count()).toBe(0)
    await page.getByRole('button', { name: 'Log outcome' }).tap()
    await chooseOutcome('Not interested', 'Only browsing')
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    await page.getByRole('heading', { name: 'Nothing to call right now' }).waitFor()
    await expect.poll(() => pendingBadge().textContent()).toBe('4')
    await expectNoSeriousViolations(page, 'offline, queue done')

    // A reload with no network: the shell comes from the worker, the outbox and queue from IndexedDB.
    await page.reload()
    await page.getByTestId('signed-in-email').waitFor()
    await page.getByTestId('offline-banner').waitFor()
    await expect.poll(() => pendingBadge().textContent()).toBe('4')
    expect(await outboxCount(page)).toBe(4)
    await page.getByRole('heading', { name: 'Nothing to call right now' }).waitFor()
    expect(await page.getByText('Priya Nair').first().isVisible()).toBe(true) // her callback, listed from the outbox

    // Back online: everything syncs, once.
    await context.setOffline(false)
    await expect.poll(() => outboxCount(page), { timeout: 20_000 }).toBe(0)
    await expect.poll(() => pendingBadge().count()).toBe(0)

    const { rows: dispositions } = await sql.query<{ lead_id: string, outcome: string, notes: string, callback_at: Date | null }>(
      `select lead_id, outcome, notes, callback_at from public.dispositions where rep_id = $1 and received_at >= $2 order by occurred_at`,
      [rep1, started],
    )
    expect(dispositions.map(row => [row.lead_id, row.outcome, row.notes])).toEqual([
      [leads.marcus, 'meeting_booked', 'Demo booked for Tuesday'],
      [leads.priya, 'callback', 'Wants a call after lunch tomorrow'],
      [leads.elena, 'not_interested', 'Only browsing'],
    ])
    expect(dispositions[1].callback_at?.getTime()).toBe(callbackAt.getTime())

    const { rows: states } = await sql.query<{ id: string, status: string, callback_at: Date | null, first_contact_at: Date | null, attempt_count: number }>(
      `select id, status, callback_at, first_contact_at, attempt_count from public.leads where id = any($1) order by id`,
      [Object.values(leads)],
    )
    const state = Object.fromEntries(states.map(row => [row.id, row]))
    expect(state[leads.marcus].status).toBe('qualified')
    expect(state[leads.priya].status).toBe('contacted')
    expect(state[leads.priya].callback_at?.getTime()).toBe(callbackAt.getTime())
    expect(state[leads.priya].first_contact_at!.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000)
    expect(state[leads.elena].status).toBe('disqualified')
    const { rows: [{ attempts }] } = await sql.query<{ attempts: number }>(
      `select count(*)::int as attempts from public.lead_events where actor_id = $1 and type = 'contact_attempted' and occurred_at >= $2`,
      [rep1, started],
    )
    expect(attempts).toBe(2)

    // Online again, the server hands out the next lead (claimed from the team pool).
    await leadHeading().waitFor()
    expect(errors).toEqual([])
  })

  it('opens on the phone\'s cached lead with no signal after the access token expired, and syncs once the network is back', async () => {
    // Failed requests while offline are logged to the console by design: only uncaught errors count.
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    const { rows: [{ started }] } = await sql.query<{ started: Date }>('select now() as started')
    await signInAsRep1()
    await leadHeading().waitFor()
    const name = await leadHeading().textContent()
    const leadId = await page.locator('[data-lead-id]').getAttribute('data-lead-id')
    await expect.poll(() => storedCount(page, 'snapshots')).toBe(1)
    // The worker serves the app shell with no signal once it is active.
    await page.evaluate(() => navigator.serviceWorker.ready)

    // The rep closed the app over an hour ago: the stored access token has expired.
    await page.evaluate((key) => {
      const stored = JSON.parse(localStorage.getItem(key)!) as { expires_at: number }
      stored.expires_at = Math.floor(Date.now() / 1000) - 3600
      localStorage.setItem(key, JSON.stringify(stored))
    }, storageKeys.authSession)
    await context.setOffline(true)
    await page.reload()

    // Still signed in (the refresh found no network), on the lead saved on the phone.
    await waitForLead(name!)
    expect(new URL(page.url()).pathname).toBe('/')
    await page.getByTestId('offline-banner').waitFor()
    expect(await page.getByTestId('signed-in-email').textContent()).toBe('rep1@demo.pronto.test')
    await page.getByRole('button', { name: 'Log outcome' }).tap()
    await chooseOutcome('Connected', 'Recorded with an expired token')
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    await expect.poll(() => pendingBadge().textContent()).toBe('1')

    // Back online: the session is refreshed first, then the outcome goes, once.
    await context.setOffline(false)
    const sent = async () => (await sql.query<{ n: number }>(
      'select count(*)::int as n from public.dispositions where lead_id = $1 and rep_id = $2 and notes = $3 and received_at >= $4',
      [leadId, rep1, 'Recorded with an expired token', started],
    )).rows[0].n
    await expect.poll(sent, { timeout: 100_000 }).toBe(1)
    await expect.poll(() => outboxCount(page)).toBe(0)
    const expiresAt = await page.evaluate(key => (JSON.parse(localStorage.getItem(key)!) as { expires_at: number }).expires_at, storageKeys.authSession)
    expect(expiresAt * 1000).toBeGreaterThan(Date.now())
    await page.getByTestId('signed-in-email').waitFor()
    expect(await sent()).toBe(1)
    expect(errors).toEqual([])
  }, 150_000)

  it('shows a lead assigned while the screen is open, and says when the lead on screen is taken away', async () => {
    await signInAsRep1()
    await leadHeading().waitFor()
    const shownId = await page.locator('[data-lead-id]').getAttribute('data-lead-id')
    const shownName = await leadHeading().textContent()
    // Let the realtime subscription settle before the database changes.
    await page.waitForTimeout(1000)

    // A web form posts a lead to the ingest function; Acme is rep1's account, so routing gives it to rep1.
    const response = await fetch(`${inject('stack').apiUrl}/functions/v1/ingest-lead`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-source-key': 'pronto-demo-web-form-key' },
      body: JSON.stringify({
        first_name: 'Zoe',
        last_name: 'Quinn',
        email: 'zoe.quinn@acme.com',
        phone: '+14155550777',
        company: 'Acme Corp',
        title: 'Founder',
        message: 'Need a quote by Friday.',
      }),
    })
    expect(response.status).toBe(201)
    const arrival = await response.json() as { lead_id: string, assigned_to: string | null }
    expect(arrival.assigned_to).toBe(rep1)
    const arrivals = page.getByRole('list', { name: 'New leads' })
    await arrivals.getByText('Zoe Quinn').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('queue-notice').textContent()).toContain('New lead: Zoe Quinn')
    // The lead on screen does not change under the rep's thumb.
    expect(await leadHeading().textContent()).toBe(shownName)
    await expectNoSeriousViolations(page, 'next lead with a new arrival')

    await arrivals.getByRole('link', { name: 'Open' }).tap()
    await page.waitForURL(`**/lead/${arrival.lead_id}`)
    await waitForLead('Zoe Quinn')
    expect(await page.getByText('Need a quote by Friday.').isVisible()).toBe(true)
    await expectNoSeriousViolations(page, 'lead page')
    await page.getByRole('link', { name: 'Back to my next lead' }).tap()
    await leadHeading().waitFor()

    // The lead on screen goes to someone else: rep1 hears it live (a notice row; the lead itself is no longer theirs to see).
    const onScreenId = await page.locator('[data-lead-id]').getAttribute('data-lead-id')
    const onScreenName = await leadHeading().textContent()
    expect(onScreenId).toBe(shownId)
    await sql.query('update public.leads set assigned_to = $1, assigned_at = now() where id = $2', [rep2, onScreenId])
    await expect.poll(() => page.getByTestId('queue-notice').textContent(), { timeout: 5_000 })
      .toBe(`${onScreenName} was reassigned to someone else.`)
    await expect.poll(() => page.locator('[data-lead-id]').getAttribute('data-lead-id')).not.toBe(onScreenId)
  })

  it('moves on within seconds when a manager reassigns the lead on screen, on the next-lead and the lead page', async () => {
    const grace = await assignNewLead('Grace Hopper', 100, 'Call before noon.')
    const linus = await assignNewLead('Linus Pauling', 100, 'Any time.')
    const manager = await signedInClient('manager@demo.pronto.test')
    const reassign = async (id: string) => {
      const { error } = await manager.rpc('reassign_lead', { lead_id: id, to_member_id: rep2, reason: 'Speaks the customer\'s language' })
      expect(error).toBeNull()
    }
    const notice = page.getByTestId('queue-notice')
    try {
      await signInAsRep1()
      await waitForLead('Grace Hopper')
      await expect.poll(cachedIds).toContain(grace.id)
      // Let the realtime subscription settle before the database changes.
      await page.waitForTimeout(1000)

      await reassign(grace.id)
      await expect.poll(() => notice.textContent(), { timeout: 5_000 }).toBe('Grace Hopper was reassigned to someone else.')
      // Dismissed at once: the notice clears itself after a few seconds.
      await page.getByRole('button', { name: 'Dismiss notice' }).tap({ timeout: 2_000 })
      expect(await notice.textContent()).toBe('')
      await waitForLead('Linus Pauling')
      expect(await cachedIds()).not.toContain(grace.id)

      // On the lead's own page: back to the next lead, told why; the notice then clears itself.
      await page.goto(`/lead/${linus.id}`)
      await waitForLead('Linus Pauling')
      await page.waitForTimeout(1000)
      await reassign(linus.id)
      await page.waitForURL(url => url.pathname === '/', { timeout: 5_000 })
      await expect.poll(() => notice.textContent(), { timeout: 5_000 }).toBe('Linus Pauling was reassigned to someone else.')
      await expectNoSeriousViolations(page, 'lead taken away')
      await expect.poll(() => notice.textContent(), { timeout: 12_000 }).toBe('')
    }
    finally {
      await sql.query('update public.leads set assigned_to = $1 where id = any($2) and assigned_to = $3', [rep2, [grace.id, linus.id], rep1])
      await manager.auth.signOut()
    }
  }, 60_000)

  it('changes availability through the outbox, also with no signal', async () => {
    await signInAsRep1()
    await leadHeading().waitFor()
    const availability = async () => (await sql.query<{ availability: string }>('select availability from public.members where id = $1', [rep1])).rows[0].availability
    // The lead shows as soon as next_lead() answers; the availability comes with the queue summary after it.
    await expect.poll(() => page.getByRole('radio', { name: 'On shift' }).isChecked()).toBe(true)

    await page.getByRole('radio', { name: 'Break' }).check()
    await expect.poll(availability, { timeout: 10_000 }).toBe('break')
    await page.getByText('New leads are not routed to you while you are on a break.').waitFor()
    await expectNoSeriousViolations(page, 'availability: break')

    await context.setOffline(true)
    await page.getByRole('radio', { name: 'Off' }).check()
    await expect.poll(() => pendingBadge().textContent()).toBe('1')
    expect(await availability()).toBe('break')
    await context.setOffline(false)
    await expect.poll(availability, { timeout: 15_000 }).toBe('off')

    await page.getByRole('radio', { name: 'On shift' }).check()
    await expect.poll(availability, { timeout: 10_000 }).toBe('on_shift')
    await expect.poll(() => outboxCount(page)).toBe(0)
  })

  it('shows an outcome the server refused and keeps it, while the rest syncs', async () => {
    const { rows: [{ started }] } = await sql.query<{ started: Date }>('select now() as started')
    const taken = await assignNewLead('Ada Lovelace', 99, 'Call me first.')
    const kept = await assignNewLead('Alan Turing', 98, 'Call me second.')
    await signInAsRep1()
    await waitForLead('Ada Lovelace')
    // The lead shows before the whole queue is kept on the phone; the next one must be kept before the signal goes.
    await expect.poll(cachedIds).toEqual(expect.arrayContaining([taken.id, kept.id]))

    await context.setOffline(true)
    await page.getByTestId('offline-banner').waitFor()
    await page.getByRole('button', { name: 'Log outcome' }).tap()
    await chooseOutcome('No answer', 'Rang out')
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    await waitForLead('Alan Turing')
    await page.getByRole('button', { name: 'Log outcome' }).tap()
    await chooseOutcome('Connected', 'Talked for ten minutes')
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    await expect.poll(() => pendingBadge().textContent()).toBe('2')

    // Meanwhile a manager gave Ada to rep2: her outcome can no longer be applied by rep1.
    await sql.query('update public.leads set assigned_to = $1 where id = $2', [rep2, taken.id])
    await context.setOffline(false)

    const notice = page.getByTestId('rejected-items')
    await notice.waitFor({ timeout: 15_000 })
    expect(await notice.textContent()).toContain('No answer for Ada Lovelace')
    expect(await notice.textContent()).toContain('lead_id: the lead is not assigned to you')
    const outcomes = async () => (await sql.query<{ lead_id: string }>(
      'select lead_id from public.dispositions where rep_id = $1 and received_at >= $2', [rep1, started],
    )).rows.map(row => row.lead_id)
    expect(await outcomes()).toEqual([kept.id])
    await expect.poll(() => pendingBadge().count()).toBe(0)
    expect(await outboxCount(page)).toBe(1)
    await expectNoSeriousViolations(page, 'rejected item shown')

    await notice.getByRole('button', { name: 'Dismiss: No answer for Ada Lovelace' }).tap()
    await notice.waitFor({ state: 'detached' })
    expect(await outboxCount(page)).toBe(0)
    expect(await outcomes()).toEqual([kept.id])
  })

  it('sends the outbox from the service worker when Background Sync fires with the app closed', async () => {
    const { rows: [{ started }] } = await sql.query<{ started: Date }>('select now() as started')
    await signInAsRep1()
    await leadHeading().waitFor()
    const leadId = await page.locator('[data-lead-id]').getAttribute('data-lead-id')
    const origin = new URL(page.url()).origin
    await page.evaluate(() => navigator.serviceWorker.ready)

    await context.setOffline(true)
    await page.getByTestId('offline-banner').waitFor()
    await page.getByRole('button', { name: 'Log outcome' }).tap()
    await chooseOutcome('Connected', 'Sent by the service worker')
    await page.getByRole('button', { name: 'Save and next lead' }).tap()
    await expect.poll(() => outboxCount(page)).toBe(1)

    // The rep closes the app: no window is left to flush. A blank page is no client of the worker.
    await page.close()
    const probe = await context.newPage()
    const cdp = await context.newCDPSession(probe)
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find(registration => registration.scopeURL.startsWith(origin) && !registration.isDeleted)
        if (ours)
          resolve(ours.registrationId)
      })
    })
    await cdp.send('ServiceWorker.enable')
    await context.setOffline(false)
    // What the browser does when the network is back.
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: await registrationId, tag: 'pronto-outbox', lastChance: false })

    const sent = async () => (await sql.query<{ n: number }>(
      'select count(*)::int as n from public.dispositions where lead_id = $1 and rep_id = $2 and notes = $3 and received_at >= $4',
      [leadId, rep1, 'Sent by the service worker', started],
    )).rows[0].n
    await expect.poll(sent, { timeout: 15_000 }).toBe(1)
    // And the outbox is empty when the app opens again: nothing goes twice.
    page = await context.newPage()
    await page.goto('/')
    await page.getByTestId('signed-in-email').waitFor()
    await expect.poll(() => outboxCount(page)).toBe(0)
    expect(await sent()).toBe(1)
  })

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious accessibility violations on the next lead, the open sheet and offline (${colorScheme})`, async () => {
      await page.emulateMedia({ colorScheme })
      const errors = collectPageErrors(page)
      await signInAsRep1()
      await leadHeading().waitFor()
      await expectNoSeriousViolations(page, 'next lead')

      await page.getByRole('button', { name: 'Log outcome' }).tap()
      const sheet = page.getByRole('dialog')
      await sheet.waitFor()
      // Focus moves into the sheet, and back to where it came from when it closes.
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true)
      await sheet.getByRole('radio', { name: 'Call back later' }).check()
      await sheet.getByLabel('Call back at').waitFor()
      await expectNoSeriousViolations(page, 'sheet open')
      await sheet.getByRole('button', { name: 'Cancel' }).tap()
      await sheet.waitFor({ state: 'hidden' })
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Log outcome')

      await context.setOffline(true)
      await page.getByTestId('offline-banner').waitFor()
      await expectNoSeriousViolations(page, 'offline')
      await context.setOffline(false)
      expect(errors).toEqual([])
    })
  }

  it('opens a lead it could not open with no signal as soon as the signal is back', async () => {
    await signInAsRep1()
    await leadHeading().waitFor()
    await page.evaluate(() => navigator.serviceWorker.ready)
    await context.setOffline(true)
    await page.getByTestId('offline-banner').waitFor()
    // Assigned while the phone had no signal: it is not saved on the phone.
    const late = await assignNewLead('Otto Late', 40, 'Assigned while you were offline.')
    await page.goto(`/lead/${late.id}`)
    await page.getByText('This lead is not saved on this phone.').waitFor()

    await context.setOffline(false)
    await waitForLead('Otto Late')
    expect(await page.getByText('Assigned while you were offline.').isVisible()).toBe(true)
  })

  /** Every element `selector` finds (at least `atLeast` of them) is a target a thumb can hit: 48 px tall or more. */
  async function expectTapTargets(selector: string, atLeast: number): Promise<void> {
    const targets = await page.locator(selector).all()
    expect(targets.length, selector).toBeGreaterThanOrEqual(atLeast)
    for (const target of targets) {
      const box = await target.boundingBox()
      expect(box?.height, `${selector}: "${(await target.textContent())?.trim()}"`).toBeGreaterThanOrEqual(48)
    }
  }

  it('fits a 360px screen with 48px targets, the disposition sheet, history and callbacks included', async () => {
    // A callback tomorrow, so the queue lists one.
    const later = await assignNewLead('Cal Later', 10, 'Call me tomorrow.')
    await sql.query(`update public.leads set callback_at = now() + interval '1 day' where id = $1`, [later.id])
    await sql.query(`insert into public.lead_events (lead_id, org_id, type) values ($1, '10000000-0000-4000-8000-000000000001', 'created')`, [later.id])
    await page.setViewportSize({ width: 360, height: 740 })
    await signInAsRep1()
    await leadHeading().waitFor()
    await page.getByRole('link', { name: 'Cal Later' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await expectTapTargets('.call-actions a, .call-actions button', 2)
    await expectTapTargets('.availability__choice', 3)
    await expectTapTargets('.account button', 1)
    await expectTapTargets('.history summary', 1)
    await expectTapTargets('.queue-status li a', 1)

    await page.getByRole('button', { name: 'Log outcome' }).tap()
    const sheet = page.getByRole('dialog')
    await sheet.waitFor()
    await expectTapTargets('dialog .sheet__outcome', 4)
    await expectTapTargets('dialog .sheet__actions button', 2)

    // A lead's history is built when opened: its lines, with their times, still fit the screen.
    await page.goto(`/lead/${later.id}`)
    await waitForLead('Cal Later')
    const historySummary = page.locator('.history summary')
    await expect.poll(() => historySummary.textContent()).toMatch(/^History \([1-9]\d*\)$/)
    expect(await page.locator('.history li').count()).toBe(0)
    await historySummary.tap()
    await page.locator('.history li time').first().waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
  })

  it('shows a waiting update above the page, clear of the Call bar, on a 360px screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 })
    await signInAsRep1()
    await leadHeading().waitFor()
    // Opened again, the app is in the worker's hands, as on every visit after the first.
    await page.evaluate(() => navigator.serviceWorker.ready)
    await page.reload()
    await leadHeading().waitFor()
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    // A new version of the app's worker, as a deploy brings: registered under another script URL,
    // so the browser installs it beside the running one and it waits.
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js?next-version', { scope: '/' })
    })
    const prompt = page.getByText('A new version is ready.')
    await prompt.waitFor({ timeout: 15_000 })

    const callBar = await page.locator('.call-actions').boundingBox()
    for (const name of ['Later', 'Reload']) {
      const button = await page.getByRole('button', { name, exact: true }).boundingBox()
      expect(button!.height).toBeGreaterThanOrEqual(48)
      // Scrolled into view wherever it is, a prompt button never sits under the pinned Call bar.
      const overlaps = button!.y < callBar!.y + callBar!.height && button!.y + button!.height > callBar!.y
      expect(overlaps, `${name} under the Call bar`).toBe(false)
    }
    await page.getByRole('button', { name: 'Later', exact: true }).tap()
    await prompt.waitFor({ state: 'detached' })
  })
})
