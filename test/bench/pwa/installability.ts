import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import type { APIRequestContext, Page } from 'playwright-core'
import { chromiumArgs, chromiumPath, phone } from '../../support/browser.ts'
import { withTimeout } from './with-timeout.ts'

interface ManifestIcon {
  src?: unknown
  sizes?: unknown
  purpose?: unknown
}

const checkTimeoutMs = 60_000

function iconsOf(manifest: Record<string, unknown>): ManifestIcon[] {
  return Array.isArray(manifest.icons) ? manifest.icons as ManifestIcon[] : []
}

function hasSize(icon: ManifestIcon, size: number): boolean {
  return typeof icon.sizes === 'string' && icon.sizes.split(/\s+/).includes(`${size}x${size}`)
}

function hasPurpose(icon: ManifestIcon, purpose: string): boolean {
  // A missing purpose means "any".
  const purposes = typeof icon.purpose === 'string' ? icon.purpose.split(/\s+/) : ['any']
  return purposes.includes(purpose)
}

/** What the issue asks of the manifest beyond Chrome's own checks: name, icons 192/512 incl. maskable, standalone, start_url. */
export function manifestGaps(manifest: Record<string, unknown>): string[] {
  const gaps: string[] = []
  const icons = iconsOf(manifest)
  if (typeof manifest.name !== 'string' || manifest.name.trim() === '')
    gaps.push('manifest has no name')
  if (typeof manifest.start_url !== 'string' || manifest.start_url === '')
    gaps.push('manifest has no start_url')
  if (manifest.display !== 'standalone')
    gaps.push(`manifest display is ${JSON.stringify(manifest.display)}, not "standalone"`)
  for (const size of [192, 512]) {
    if (!icons.some(icon => hasSize(icon, size) && hasPurpose(icon, 'any')))
      gaps.push(`manifest has no ${size}x${size} icon for purpose "any"`)
  }
  if (!icons.some(icon => hasPurpose(icon, 'maskable') && (hasSize(icon, 192) || hasSize(icon, 512))))
    gaps.push('manifest has no maskable icon of 192x192 or 512x512')
  return gaps
}

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number, height: number } | null {
  const signature = '89504e470d0a1a0a'
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature || bytes.subarray(12, 16).toString('latin1') !== 'IHDR')
    return null
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Icons that claim a square PNG size must be served and be that size. */
async function iconGaps(manifest: Record<string, unknown>, manifestUrl: string, request: APIRequestContext): Promise<string[]> {
  const gaps: string[] = []
  for (const icon of iconsOf(manifest)) {
    const size = typeof icon.sizes === 'string' ? /^(\d+)x\1$/.exec(icon.sizes) : null
    if (typeof icon.src !== 'string' || !size)
      continue
    const url = new URL(icon.src, manifestUrl).href
    const response = await request.get(url)
    const actual = response.ok() ? pngSize(await response.body()) : null
    if (!actual || actual.width !== Number(size[1]) || actual.height !== Number(size[1]))
      gaps.push(`icon ${icon.src} is not a ${icon.sizes} PNG (HTTP ${response.status()}, ${actual ? `${actual.width}x${actual.height}` : 'not a PNG'})`)
  }
  return gaps
}

async function waitForActiveServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready
    const worker = registration.active
    if (worker && worker.state !== 'activated')
      await new Promise<void>(resolve => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()))
  })
}

async function problemsOnPage(page: Page, appUrl: string): Promise<string[]> {
  await page.goto(appUrl)
  await waitForActiveServiceWorker(page)
  const cdp = await page.context().newCDPSession(page)
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  const problems = installabilityErrors.map(error =>
    `Chrome: ${error.errorId}${error.errorArguments.map(arg => ` ${arg.name}=${arg.value}`).join('')}`)
  const { url, errors, data } = await cdp.send('Page.getAppManifest')
  problems.push(...errors.map(error => `manifest ${url}: ${error.message}`))
  if (!data)
    return [...problems, 'the page links no web app manifest']
  const manifest = JSON.parse(data) as Record<string, unknown>
  return [...problems, ...manifestGaps(manifest), ...await iconGaps(manifest, url, page.context().request)]
}

/**
 * Installability as Chrome judges it (`Page.getInstallabilityErrors`, after the service worker is
 * active) plus the manifest fields the issue names. A regular profile, not an incognito context:
 * Chrome does not offer installs in incognito. Returns the problems; empty means installable.
 */
export async function installabilityProblems(appUrl: string): Promise<string[]> {
  const profile = await mkdtemp(path.join(tmpdir(), 'pronto-bench-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    ...phone,
  })
  try {
    const page = context.pages()[0] ?? await context.newPage()
    return await withTimeout(problemsOnPage(page, appUrl), checkTimeoutMs, `Installability check on ${appUrl}`)
  }
  finally {
    await context.close()
    await rm(profile, { recursive: true, force: true })
  }
}
