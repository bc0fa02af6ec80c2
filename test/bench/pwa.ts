// The rep's phone app as a phone gets it: JavaScript the first screen needs, Lighthouse's mobile
// performance score and whether Chrome would install it. The production build is made against the
// bench stack and served by `vite preview`, as the browser tests do.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import { stateDir } from '../../supabase/local/config.ts'
import type { Stack } from '../../supabase/local/stack.ts'
import { buildApp, serveApp } from '../support/app-setup.ts'
import { firstScreenScripts } from './pwa/first-screen-js.ts'
import { installabilityProblems } from './pwa/installability.ts'
import { lighthouseMedian } from './pwa/lighthouse.ts'
import type { BenchRow } from './table.ts'

/** A signed-out visitor's first screen is sign-in (the router sends them there from any page). */
const firstScreenRoute = 'src/pages/SignInPage.vue'
// Single runs swing with the load on a shared 2-core machine (4x CPU slowdown magnifies it).
const lighthouseRuns = 5
const kb = (bytes: number) => Math.round(bytes / 102.4) / 10

async function firstScreenRows(outDir: string): Promise<BenchRow[]> {
  const scripts = await firstScreenScripts(outDir, firstScreenRoute)
  for (const script of scripts)
    console.error(`  first screen: ${script.file} ${kb(script.bytes)} KB, ${kb(script.gzipBytes)} KB gzip`)
  const total = (key: 'bytes' | 'gzipBytes') => scripts.reduce((sum, script) => sum + script[key], 0)
  return [
    { area: 'pwa', metric: 'first-screen JS (sign-in), raw', value: kb(total('bytes')), unit: 'KB' },
    { area: 'pwa', metric: 'first-screen JS (sign-in), gzip', value: kb(total('gzipBytes')), unit: 'KB', target: '< 150' },
  ]
}

async function lighthouseRows(appUrl: string): Promise<BenchRow[]> {
  const result = await lighthouseMedian(`${appUrl}/`, lighthouseRuns)
  if (result.shortfalls.length > 0)
    console.error(`  Lighthouse audits below 90:\n${result.shortfalls.map(line => `    ${line}`).join('\n')}`)
  return [
    { area: 'pwa', metric: `Lighthouse mobile performance (median of ${lighthouseRuns})`, value: result.score, unit: 'pts', target: '>= 90' },
    { area: 'pwa', metric: 'Lighthouse first contentful paint', value: result.firstContentfulPaintMs, unit: 'ms' },
    { area: 'pwa', metric: 'Lighthouse largest contentful paint', value: result.largestContentfulPaintMs, unit: 'ms' },
    { area: 'pwa', metric: 'Lighthouse total blocking time', value: result.totalBlockingTimeMs, unit: 'ms' },
    { area: 'pwa', metric: 'Lighthouse cumulative layout shift', value: result.cumulativeLayoutShift, unit: '' },
    { area: 'pwa', metric: 'Lighthouse speed index', value: result.speedIndexMs, unit: 'ms' },
    { area: 'pwa', metric: 'Lighthouse benchmark index (host speed)', value: result.benchmarkIndex, unit: '' },
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
      rows.push(...await lighthouseRows(app.url), ...await installabilityRows(app.url))
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
