import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import lighthouse from 'lighthouse'
import type { Result } from 'lighthouse'
import { chromium } from 'playwright-core'
import type { BrowserContext } from 'playwright-core'
import { freePort } from '../../../supabase/local/stack.ts'
import { chromiumArgs, chromiumPath } from '../../support/browser.ts'
import { percentile } from '../stats.ts'
import { withTimeout } from './with-timeout.ts'

export interface LighthouseFigures {
  /** Performance category score, 0 to 100. */
  score: number
  firstContentfulPaintMs: number
  largestContentfulPaintMs: number
  totalBlockingTimeMs: number
  cumulativeLayoutShift: number
  speedIndexMs: number
  /** Lighthouse's measure of this machine's speed at the time; simulated throttling scales what it observes. */
  benchmarkIndex: number
  /** Performance audits that did not pass, with what Lighthouse says they cost, and what is behind them. */
  shortfalls: string[]
  /** Where the page ended up (the app redirects a signed-out visitor to /sign-in). */
  finalUrl: string
}

const runTimeoutMs = 120_000

function shortfalls(lhr: Result): string[] {
  const refs = lhr.categories.performance?.auditRefs ?? []
  return refs
    .map(ref => lhr.audits[ref.id])
    .filter(audit => audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== 'informative')
    .map(audit => `${audit.id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`)
}

interface DetailItem {
  node?: { snippet?: string, selector?: string }
  score?: number
  url?: string
  scripting?: number
  items?: DetailItem[]
}

function detailItems(lhr: Result, id: string): DetailItem[] {
  return ((lhr.audits[id]?.details as { items?: DetailItem[] } | undefined)?.items) ?? []
}

/** What is behind the figures: the LCP element, what shifted, which scripts ran longest. */
function culprits(lhr: Result): string[] {
  const lcp = detailItems(lhr, 'largest-contentful-paint-element').flatMap(item => item.items ?? [item]).find(item => item.node)
  const shifts = detailItems(lhr, 'layout-shifts').filter(item => item.node).slice(0, 3)
  const scripts = detailItems(lhr, 'bootup-time').filter(item => item.url).slice(0, 3)
  return [
    ...(lcp?.node ? [`LCP element: ${lcp.node.snippet ?? lcp.node.selector}`] : []),
    ...shifts.map(item => `layout shift ${item.score?.toFixed(3)}: ${item.node!.selector ?? item.node!.snippet}`),
    ...scripts.map(item => `script ${Math.round(item.scripting ?? 0)} ms: ${item.url}`),
  ]
}

function figures(lhr: Result): LighthouseFigures {
  if (lhr.runtimeError)
    throw new Error(`Lighthouse could not measure ${lhr.finalDisplayedUrl}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
  const score = lhr.categories.performance?.score
  if (score == null)
    throw new Error(`Lighthouse gave no performance score for ${lhr.finalDisplayedUrl}`)
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN
  return {
    score: Math.round(score * 100),
    firstContentfulPaintMs: Math.round(metric('first-contentful-paint')),
    largestContentfulPaintMs: Math.round(metric('largest-contentful-paint')),
    totalBlockingTimeMs: Math.round(metric('total-blocking-time')),
    cumulativeLayoutShift: metric('cumulative-layout-shift'),
    speedIndexMs: Math.round(metric('speed-index')),
    benchmarkIndex: Math.round(lhr.environment.benchmarkIndex),
    shortfalls: [...shortfalls(lhr), ...culprits(lhr)],
    finalUrl: lhr.finalDisplayedUrl,
  }
}

export interface LighthouseOptions {
  /**
   * Runs in the browser's own profile before Lighthouse (e.g. puts a session in localStorage);
   * Lighthouse then keeps the site's storage instead of clearing it. It must not load the app
   * itself, or its service worker and caches would make the measured load a warm one.
   */
  prepare?: (context: BrowserContext) => Promise<void>
}

/** Runs `audit` against Chromium listening on `port`, in a fresh profile; prepared first when asked. */
async function withChromium<T>(port: number, options: LighthouseOptions, audit: () => Promise<T>): Promise<T> {
  const launch = { executablePath: chromiumPath, args: [...chromiumArgs, `--remote-debugging-port=${port}`], headless: true }
  if (!options.prepare) {
    const browser = await chromium.launch(launch)
    try {
      return await audit()
    }
    finally {
      await browser.close()
    }
  }
  // A persistent context is the profile Lighthouse's tab opens in, so what prepare stores is there.
  const profile = await mkdtemp(path.join(tmpdir(), 'pronto-lighthouse-'))
  const context = await chromium.launchPersistentContext(profile, launch)
  try {
    await options.prepare(context)
    return await audit()
  }
  finally {
    await context.close()
    await rm(profile, { recursive: true, force: true })
  }
}

/**
 * One Lighthouse performance run with its default mobile settings (phone screen, simulated slow 4G
 * and 4x slower CPU) in a fresh Debian Chromium that Lighthouse reaches on its debugging port.
 */
export async function lighthouseOnce(url: string, options: LighthouseOptions = {}): Promise<LighthouseFigures> {
  const port = await freePort()
  return withChromium(port, options, async () => {
    const result = await withTimeout(
      lighthouse(url, {
        port,
        logLevel: 'error',
        onlyCategories: ['performance'],
        formFactor: 'mobile',
        disableStorageReset: options.prepare !== undefined,
      }),
      runTimeoutMs,
      `Lighthouse on ${url}`,
    )
    if (!result)
      throw new Error(`Lighthouse returned no result for ${url}`)
    return figures(result.lhr)
  })
}

/** Lighthouse `runs` times; the run with the median score, since single runs wobble by a few points. */
export async function lighthouseMedian(url: string, runs: number, options: LighthouseOptions = {}): Promise<LighthouseFigures> {
  const results: LighthouseFigures[] = []
  for (let i = 0; i < runs; i++) {
    const result = await lighthouseOnce(url, options)
    console.error(`  Lighthouse run ${i + 1}: ${result.score} (benchmark index ${result.benchmarkIndex})`)
    results.push(result)
  }
  const median = percentile(results.map(result => result.score), 50)
  return results.find(result => result.score === median) ?? results[0]
}
