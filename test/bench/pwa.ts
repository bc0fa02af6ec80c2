// The rep's phone app as a phone gets it: JavaScript the first screen needs, Lighthouse's mobile
// performance score and whether Chrome would install it. The production build is made against the
// bench stack and served by `vite preview`, as the browser tests do.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { stateDir } from '../../supabase/local/config.ts'
import type { BrowserContext } from 'playwright-core'
import type { Stack } from '../../supabase/local/stack.ts'
import { storageKeys } from '../../src/shared/constants.ts'
import { buildApp, serveApp } from '../support/app-setup.ts'
import { firstScreenScripts } from './pwa/first-screen-js.ts'
import { installabilityProblems } from './pwa/installability.ts'
import { lighthouseMedian } from './pwa/lighthouse.ts'
import type { LighthouseOptions } from './pwa/lighthouse.ts'
import type { BenchRow } from './table.ts'

/**
 * The two first screens: a signed-out visitor gets sign-in (the router sends them there from any
 * page), a signed-in rep the next lead (the app's start URL, where they open it every time).
 */
const screens = [
  { name: 'sign-in', route: 'src/pages/SignInPage.vue' },
  { name: 'next lead, signed in', route: 'src/pages/NextLeadPage.vue' },
] as const
// Single runs swing with the load on a shared 2-core machine (4x CPU slowdown magnifies it).
const lighthouseRuns = 5
const rep = { email: 'rep1@demo.pronto.test', password: 'pronto-demo' }
const kb = (bytes: number) => Math.round(bytes / 102.4) / 10

async function firstScreenRows(outDir: string): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  for (const screen of screens) {
    const scripts = await firstScreenScripts(outDir, screen.route)
    for (const script of scripts)
      console.error(`  first screen (${screen.name}): ${script.file} ${kb(script.bytes)} KB, ${kb(script.gzipBytes)} KB gzip`)
    const total = (key: 'bytes' | 'gzipBytes') => scripts.reduce((sum, script) => sum + script[key], 0)
    rows.push(
      { area: 'pwa', metric: `first-screen JS (${screen.name}), raw`, value: kb(total('bytes')), unit: 'KB' },
      { area: 'pwa', metric: `first-screen JS (${screen.name}), gzip`, value: kb(total('gzipBytes')), unit: 'KB', target: '< 150' },
    )
  }
  return rows
}

/** A fresh session for the demo rep, as supabase-js stores it (with `expires_at`). */
async function signInRep(stack: Stack): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apikey': stack.anonKey },
    body: JSON.stringify(rep),
  })
  if (!response.ok)
    throw new Error(`Signing ${rep.email} in for the bench failed: ${response.status} ${await response.text()}`)
  const session = await response.json() as { expires_in: number, expires_at?: number }
  return { ...session, expires_at: session.expires_at ?? Math.floor(Date.now() / 1000) + session.expires_in }
}

/**
 * Puts a signed-in rep's session where the app looks for it, from a static file of the app's
 * origin so the app itself (and its service worker) is not loaded before Lighthouse's cold load.
 */
function signedIn(appUrl: string, stack: Stack): LighthouseOptions {
  return {
    prepare: async (context: BrowserContext) => {
      const session = await signInRep(stack)
      const page = await context.newPage()
      await page.goto(`${appUrl}/favicon.svg`)
      await page.evaluate(([key, value]) => localStorage.setItem(key, value), [storageKeys.authSession, JSON.stringify(session)])
      await page.close()
    },
  }
}

/** Lighthouse on the start URL; `landsOn` is the path the screen must end on, or the figures are of another screen. */
async function lighthouseRows(appUrl: string, screen: string, landsOn: string, options: LighthouseOptions = {}): Promise<BenchRow[]> {
  const result = await lighthouseMedian(`${appUrl}/`, lighthouseRuns, options)
  if (new URL(result.finalUrl).pathname !== landsOn)
    throw new Error(`Lighthouse (${screen}) ended on ${result.finalUrl}, not ${landsOn}`)
  if (result.shortfalls.length > 0)
    console.error(`  Lighthouse audits below 90 (${screen}):\n${result.shortfalls.map(line => `    ${line}`).join('\n')}`)
  return [
    { area: 'pwa', metric: `Lighthouse mobile performance, ${screen} (median of ${lighthouseRuns})`, value: result.score, unit: 'pts', target: '>= 90' },
    { area: 'pwa', metric: `Lighthouse first contentful paint, ${screen}`, value: result.firstContentfulPaintMs, unit: 'ms' },
    { area: 'pwa', metric: `Lighthouse largest contentful paint, ${screen}`, value: result.largestContentfulPaintMs, unit: 'ms' },
    { area: 'pwa', metric: `Lighthouse total blocking time, ${screen}`, value: result.totalBlockingTimeMs, unit: 'ms' },
    { area: 'pwa', metric: `Lighthouse cumulative layout shift, ${screen}`, value: result.cumulativeLayoutShift, unit: '' },
    { area: 'pwa', metric: `Lighthouse speed index, ${screen}`, value: result.speedIndexMs, unit: 'ms' },
    { area: 'pwa', metric: `Lighthouse benchmark index (host speed), ${screen}`, value: result.benchmarkIndex, unit: '' },
  ]
}


async function installabilityRows(appUrl: string): Promise<BenchRow[]> {
  const problems = await installabilityProblems(appUrl)
  for (const problem of problems)
    console.error(`  not installable: ${problem}`)
  return [{ area: 'pwa', metric: 'installable (Chrome checks + manifest)', value: problems.length === 0 ? 1 : 0, unit: 'pass', target: '>= 1' }]
}

export async function pwaBench(stack: Stack): Promise<BenchRow[]> {
  await mkdir(stateDir, { recursive: true })
  const outDir = await mkdtemp(path.join(stateDir, 'bench-dist-'))
  try {
    await buildApp(outDir, stack, ['--manifest'])
    const rows = await firstScreenRows(outDir)
    const app = await serveApp(outDir)
    try {
      rows.push(
        ...await lighthouseRows(app.url, 'sign-in', '/sign-in'),
        ...await lighthouseRows(app.url, 'next lead, signed in', '/', signedIn(app.url, stack)),
        ...await installabilityRows(app.url),
      )
    }
    finally {
      await app.close()
    }
    return rows
  }
  finally {
    await rm(outDir, { recursive: true, force: true })
  }
}
