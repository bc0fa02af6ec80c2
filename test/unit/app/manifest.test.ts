import { readFile } from 'node:fs/promises'
import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { brandColors, webManifest } from '@/pwa/manifest'
import { routes } from '@/router'

// The routes' pages reach the client; no server here.
vi.mock('@/api/supabase', () => ({}))

describe('the web app manifest', () => {
  it('offers only shortcuts every user of the installed app may open: reps are most of them', () => {
    const router = createRouter({ history: createMemoryHistory(), routes })
    const shortcuts = webManifest.shortcuts ?? []
    expect(shortcuts.length).toBeGreaterThan(0)
    for (const shortcut of shortcuts) {
      const route = router.resolve(shortcut.url)
      expect(route.matched.length, shortcut.url).toBeGreaterThan(0)
      expect(route.meta.managersOnly, `${shortcut.name} (${shortcut.url})`).not.toBe(true)
    }
  })
})

describe('index.html', () => {
  it('gives the browser a theme colour for light and for dark mode, the brand\'s', async () => {
    const html = await readFile(new URL('../../../index.html', import.meta.url), 'utf8')
    const metas = [...html.matchAll(/<meta name="theme-color" content="([^"]+)" media="([^"]+)"/g)]
      .map(([, color, media]) => [media, color])
    expect(Object.fromEntries(metas)).toEqual({
      '(prefers-color-scheme: light)': brandColors.theme,
      '(prefers-color-scheme: dark)': brandColors.themeDark,
    })
  })
})
