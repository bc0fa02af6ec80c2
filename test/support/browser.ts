import { createRequire } from 'node:module'
import type { AxeResults, Result } from 'axe-core'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { inject } from 'vitest'
import { demoPassword } from './clients.ts'

/** Debian's Chromium; test tools cannot download their own browsers here. */
export const chromiumPath = '/usr/bin/chromium'

// Flags that keep Chromium quiet and able to start as root in a container.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A mid-size phone: the screen a rep holds in a car park. */
export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true })
}

/** A fresh phone-sized context (empty storage, no service worker) opening the run's built app. */
export function newPhoneContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...phone, baseURL: inject('appUrl'), ...options })
}

/** Collects uncaught errors and console errors of a page, so a test can insist there were none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error')
      errors.push(message.text())
  })
  return errors
}

const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** Runs axe-core on the page as it is now and returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<Result[]> {
  await page.addScriptTag({ path: axeScript })
  const results = await page.evaluate(() => {
    const { axe } = window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } }
    return axe.run(document)
  })
  return results.violations.filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
}

/** One line per violation and element, for assertion messages. */
export function describeViolations(violations: Result[]): string {
  return violations
    .flatMap(violation => violation.nodes.map(node => `${violation.id} (${violation.impact}): ${violation.help} at ${node.target.join(' ')}`))
    .join('\n')
}

/** Signs a seeded demo user in from the app's start page and waits until the signed-in screen shows. */
export async function signInFromHome(page: Page, email: string): Promise<void> {
  await page.goto('/')
  await page.waitForURL('**/sign-in')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(demoPassword)
  await page.getByRole('button', { name: 'Sign in' }).tap()
  await page.getByTestId('signed-in-email').waitFor()
}
