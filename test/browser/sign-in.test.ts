import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { collectPageErrors, describeViolations, launchBrowser, newPhoneContext, seriousViolations } from '../support/browser.ts'
import { demoPassword } from '../support/clients.ts'
import { storageKeys } from '../../src/shared/constants.ts'

const rep = 'rep1@demo.pronto.test'

describe('signing in on a phone', () => {
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let pageErrors: string[]

  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
  })
  beforeEach(async () => {
    context = await newPhoneContext(browser)
    page = await context.newPage()
    pageErrors = collectPageErrors(page)
  })
  afterEach(async () => {
    await context?.close()
  })

  async function fillSignIn(email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).tap()
  }

  async function signInAsRep(): Promise<void> {
    await page.goto('/')
    await page.waitForURL('**/sign-in')
    await fillSignIn(rep, demoPassword)
    await page.getByTestId('signed-in-email').waitFor()
  }

  it('signs rep1 in and lands on the home page, and stays signed in after a restart', async () => {
    await signInAsRep()
    expect(new URL(page.url()).pathname).toBe('/')
    expect(await page.getByTestId('signed-in-email').textContent()).toBe(rep)

    await page.reload()
    await page.getByTestId('signed-in-email').waitFor()
    expect(await page.getByTestId('signed-in-email').textContent()).toBe(rep)
    expect(pageErrors).toEqual([])
  })

  it('shows a clear error for a wrong password and keeps the rep on sign-in', async () => {
    await page.goto('/sign-in')
    await fillSignIn(rep, 'not-the-password')
    const alert = page.getByRole('alert').filter({ hasText: /\S/ })
    await alert.waitFor()
    expect(await alert.textContent()).toContain('Wrong email or password')
    expect(new URL(page.url()).pathname).toBe('/sign-in')
    expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true)
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
  })

  it('disables the form while the sign-in request is on its way', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    await page.route('**/auth/v1/token?grant_type=password', async (route) => {
      await held
      await route.continue()
    })
    await page.goto('/sign-in')
    await fillSignIn(rep, demoPassword)
    const busy = page.getByRole('button', { name: 'Signing in…' })
    await busy.waitFor()
    expect(await busy.isDisabled()).toBe(true)
    expect(await page.getByLabel('Email').isDisabled()).toBe(true)
    release()
    await page.getByTestId('signed-in-email').waitFor()
  })

  it('signs out and returns to sign-in', async () => {
    await signInAsRep()
    const logout = page.waitForResponse(response => response.url().includes('/auth/v1/logout') && response.request().method() === 'POST')
    await page.getByRole('button', { name: 'Sign out' }).tap()
    expect((await logout).status()).toBe(204)
    await page.waitForURL('**/sign-in')
    expect(await page.evaluate(key => localStorage.getItem(key), storageKeys.authSession)).toBeNull()
    await page.goto('/')
    await page.waitForURL('**/sign-in')
  })

  it('signs out with no network too: the phone forgets the session and the saved queue, and says the server was not told', async () => {
    await signInAsRep()
    await page.locator('#lead-title').waitFor()
    const savedQueues = () => page.evaluate(() => new Promise<number>((resolve, reject) => {
      const open = indexedDB.open('pronto')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const count = open.result.transaction('snapshots').objectStore('snapshots').count()
        count.onsuccess = () => {
          open.result.close()
          resolve(count.result)
        }
      }
    }))
    await expect.poll(savedQueues).toBe(1)
    // The worker serves the app shell with no signal once it is active.
    await page.evaluate(() => navigator.serviceWorker.ready)

    await context.setOffline(true)
    await page.getByRole('button', { name: 'Sign out' }).tap()
    await page.waitForURL('**/sign-in')
    expect(await page.getByTestId('notice').textContent()).toContain('Signed out of this phone. Pronto could not be reached')
    expect(await page.evaluate(key => localStorage.getItem(key), storageKeys.authSession)).toBeNull()
    expect(await savedQueues()).toBe(0)
    await page.reload()
    await page.waitForURL('**/sign-in')
  })

  it('registers the service worker, and a reload with no network still opens the app', async () => {
    await signInAsRep()
    const scriptUrl = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)
    expect(scriptUrl).toMatch(/\/sw\.js$/)

    await context.setOffline(true)
    try {
      expect(await page.evaluate(() => navigator.onLine)).toBe(false)
      await page.reload()
      await page.getByTestId('signed-in-email').waitFor()
      expect(await page.getByTestId('signed-in-email').textContent()).toBe(rep)
      // The shell came from the worker's precache, not the network.
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/)
    }
    finally {
      await context.setOffline(false)
    }
  })

  it('fits a 360px screen with 48px touch targets', async () => {
    await page.setViewportSize({ width: 360, height: 740 })
    await page.goto('/sign-in')
    await page.getByLabel('Email').waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    for (const target of [page.getByLabel('Email'), page.getByLabel('Password'), page.getByRole('button', { name: 'Sign in' })]) {
      const box = await target.boundingBox()
      expect(box?.height).toBeGreaterThanOrEqual(48)
    }
  })

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious accessibility violations on sign-in and home (${colorScheme})`, async () => {
      await page.emulateMedia({ colorScheme })
      await page.goto('/sign-in')
      await page.getByLabel('Email').waitFor()
      const onSignIn = await seriousViolations(page)
      expect(onSignIn, describeViolations(onSignIn)).toEqual([])

      // The error state too: its colours are the ones most likely to fail contrast.
      await fillSignIn(rep, 'not-the-password')
      await page.getByRole('alert').filter({ hasText: /\S/ }).waitFor()
      const withError = await seriousViolations(page)
      expect(withError, describeViolations(withError)).toEqual([])

      await page.getByLabel('Password').fill(demoPassword)
      await page.getByRole('button', { name: 'Sign in' }).tap()
      await page.getByTestId('signed-in-email').waitFor()
      const onHome = await seriousViolations(page)
      expect(onHome, describeViolations(onHome)).toEqual([])
    })
  }
})
