import type pg from 'pg'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { collectPageErrors, describeViolations, launchBrowser, newPhoneContext, seriousViolations } from '../support/browser.ts'
import { demoPassword, serviceClient, sqlClient } from '../support/clients.ts'

// The manager's phone against the demo organization (supabase/seed.sql). The lead this file adds
// is deleted afterwards, so the demo queue other files use stays as it was.
const demo = {
  org: '10000000-0000-4000-8000-000000000001',
  team: '20000000-0000-4000-8000-000000000001',
  source: '80000000-0000-4000-8000-000000000001',
  hotPolicy: '50000000-0000-4000-8000-000000000001',
  manager: '30000000-0000-4000-8000-000000000002',
  rep3: '30000000-0000-4000-8000-000000000013',
}

describe('the manager\'s phone', () => {
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let sql: pg.Client
  const added: string[] = []

  beforeAll(async () => {
    browser = await launchBrowser()
    sql = await sqlClient()
  })
  afterEach(async () => {
    await context?.close()
  })
  afterAll(async () => {
    if (added.length)
      await sql.query('delete from public.leads where id = any($1)', [added])
    await browser?.close()
    await sql?.end()
  })

  /** Opens `path` signed out, signs in on the way (the app comes back to `path`). */
  async function signInAt(path: string, email: string, options: { colorScheme?: 'dark' | 'light' } = {}): Promise<void> {
    context = await newPhoneContext(browser, options)
    page = await context.newPage()
    await page.goto(path)
    await page.waitForURL('**/sign-in?**')
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(demoPassword)
    await page.getByRole('button', { name: 'Sign in' }).tap()
  }

  async function openBoardAsManager(options: { colorScheme?: 'dark' | 'light' } = {}): Promise<void> {
    await signInAt('/board', 'manager@demo.pronto.test', options)
    await page.getByRole('heading', { level: 1, name: 'Team board' }).waitFor()
    await expect.poll(() => page.getByTestId('board-live').textContent(), { timeout: 15_000 }).toMatch(/^Live/)
  }

  const section = (testId: string) => page.getByTestId(testId)
  const listed = async (testId: string, name: string) => (await section(testId).getByRole('heading', { name, exact: true }).count()) > 0

  /**
   * A HOT lead of rep3 whose 16-second SLA clock started 4 seconds ago: it enters its last
   * quarter (at risk) 8 seconds from now with no change in the database, and is due at 12.
   */
  async function leadNearlyAtRisk(name: string): Promise<{ id: string, due: Date }> {
    const { rows: [row] } = await sql.query<{ id: string, due: Date }>(`
      insert into public.leads (org_id, team_id, source_id, full_name, email, phone, company, score, tier, status,
                                assigned_to, assigned_at, sla_policy_id, sla_state, sla_started_at, sla_due_at)
      values ($1, $2, $3, $4, 'board-test@example.com', '+14155550999', 'Board Test Inc', 91, 'HOT', 'assigned',
              $5, now(), $6, 'running', now() - interval '4 seconds', now() + interval '12 seconds')
      returning id, sla_due_at as due`, [demo.org, demo.team, demo.source, name, demo.rep3, demo.hotPolicy])
    added.push(row.id)
    return row
  }

  async function eventsOf(leadId: string): Promise<Array<{ type: string, actor_id: string | null }>> {
    const { rows } = await sql.query('select type, actor_id from public.lead_events where lead_id = $1 order by id', [leadId])
    return rows
  }

  it('shows a lead enter "at risk" and then "breached" without a reload, and acts on it', async () => {
    await openBoardAsManager()
    const errors = collectPageErrors(page)
    await page.evaluate(() => {
      (window as unknown as { boardMarker: string }).boardMarker = 'same page'
    })

    const openOfRep3 = async () => Number((await section('team').locator(`[data-member-id="${demo.rep3}"]`).textContent())?.match(/Open\s*(\d+)/)?.[1])
    const openBefore = await openOfRep3()
    const name = `Quinn Atrisk ${Date.now() % 100000}`
    const lead = await leadNearlyAtRisk(name)
    // The insert reaches the board live (rep3's open leads grow); the clock is not at risk yet.
    await expect.poll(openOfRep3, { timeout: 5_000 }).toBe(openBefore + 1)
    expect(await listed('at-risk', name)).toBe(false)

    // Eight seconds in, the clock enters its last quarter: the board looks again by itself.
    await expect.poll(() => listed('at-risk', name), { timeout: 15_000, interval: 250 }).toBe(true)
    const item = section('at-risk').locator('li', { hasText: name })
    expect(await item.getByTestId('risk-countdown').textContent()).toMatch(/\d+:\d\d (left to respond)|Overdue by/)
    expect(await item.textContent()).toContain('Jordan Diaz')

    // The escalator, on its injected clock just past the due time, breaches it.
    const { error } = await serviceClient().functions.invoke('sla-escalator', { body: { now: new Date(lead.due.getTime() + 1000).toISOString() } })
    expect(error).toBeNull()
    await expect.poll(() => listed('breached', name), { timeout: 10_000, interval: 250 }).toBe(true)
    expect(await listed('at-risk', name)).toBe(false)

    // Nudge the new owner, then take the lead over; each lands in the lead's events.
    const breached = section('breached').locator('li', { hasText: name })
    await breached.getByRole('button', { name: /^Nudge/ }).tap()
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'was nudged about' }).count()).toBe(1)
    await breached.getByRole('button', { name: /^Take over/ }).tap()
    await expect.poll(() => page.getByRole('status').filter({ hasText: `You took over ${name}` }).count()).toBe(1)
    await expect.poll(async () => (await section('breached').locator('li', { hasText: name }).textContent()) ?? '').toMatch(/Owner:\s*you/)
    const events = await eventsOf(lead.id)
    expect(events.map(event => event.type)).toEqual(expect.arrayContaining(['breached', 'nudged', 'reassigned']))
    expect(events.filter(event => event.actor_id === demo.manager).map(event => event.type)).toEqual(['nudged', 'reassigned'])
    const { rows: [after] } = await sql.query('select assigned_to from public.leads where id = $1', [lead.id])
    expect(after.assigned_to).toBe(demo.manager)

    expect(await page.evaluate(() => (window as unknown as { boardMarker?: string }).boardMarker)).toBe('same page')
    expect(errors).toEqual([])
  })

  it('reassigns to a chosen rep from a list of the team', async () => {
    await openBoardAsManager()
    const name = `Rhea Reassign ${Date.now() % 100000}`
    const lead = await leadNearlyAtRisk(name)
    await expect.poll(() => listed('at-risk', name), { timeout: 15_000, interval: 250 }).toBe(true)
    await section('at-risk').locator('li', { hasText: name }).getByRole('button', { name: /^Reassign/ }).tap()
    const dialog = page.getByRole('dialog', { name: `Give ${name} to` })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: /^Sam Patel/ }).tap()
    await expect.poll(() => page.getByRole('status').filter({ hasText: `${name} is now with Sam Patel.` }).count()).toBe(1)
    const { rows: [row] } = await sql.query('select assigned_to from public.leads where id = $1', [lead.id])
    expect(row.assigned_to).toBe('30000000-0000-4000-8000-000000000012')
    // The reassignment, then the new owner's alert (reassign-lead): Sam has no phone with alerts on, so it is recorded as not sent.
    expect((await eventsOf(lead.id)).slice(-2)).toEqual([{ type: 'reassigned', actor_id: demo.manager }, { type: 'push_failed', actor_id: null }])
  })

  it('passes axe (no serious violations) on the board and the metrics, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await openBoardAsManager({ colorScheme })
      await section('team').waitFor()
      let violations = await seriousViolations(page)
      expect(violations, `board (${colorScheme}):\n${describeViolations(violations)}`).toEqual([])

      await page.getByRole('navigation', { name: 'Manager screens' }).getByRole('link', { name: 'Metrics' }).tap()
      await page.getByTestId('metric-tiles').waitFor()
      await page.getByRole('radio', { name: '30 days' }).check()
      await page.getByRole('radio', { name: 'Source' }).check()
      await expect.poll(() => page.getByTestId('metrics-breakdown').textContent()).toContain('Website demo form')
      violations = await seriousViolations(page)
      expect(violations, `metrics (${colorScheme}):\n${describeViolations(violations)}`).toEqual([])
      await context.close()
    }
  })

  it('gives every control a touch target of at least 48 px on a 360 px screen', async () => {
    await signInAt('/board', 'manager@demo.pronto.test')
    await page.setViewportSize({ width: 360, height: 740 })
    await section('team').waitFor()
    const small = await page.locator('main button, main a, main label:has(input)').evaluateAll(elements => elements
      .map(element => ({ text: element.textContent?.trim(), box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.height < 48 || box.width < 48))
      .map(({ text, box }) => `${text} ${box.width}x${box.height}`))
    expect(small).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
  })

  it('keeps a rep out of the manager screens, saying why', async () => {
    await signInAt('/board', 'rep1@demo.pronto.test')
    // Signing in goes to /board first; the guard then sends the rep home with the notice.
    await page.waitForURL(url => url.pathname === '/')
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/for managers/)
    expect(await page.getByRole('heading', { name: 'Team board' }).count()).toBe(0)
    expect(await page.getByRole('link', { name: 'Board' }).count()).toBe(0)

    await page.goto('/metrics')
    await page.waitForURL(url => url.pathname === '/')
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/for managers/)
  })
})
