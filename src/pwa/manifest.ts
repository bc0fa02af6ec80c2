import type { ManifestOptions } from 'vite-plugin-pwa'

/**
 * Brand colours, shared by the manifest and index.html's theme-color metas (light, and dark:
 * the header's darker teal in dark mode, --brand in base.css).
 */
export const brandColors = { theme: '#0f766e', themeDark: '#134e4a', background: '#0f766e' } as const

/**
 * The web app manifest. Icons live in public/ and were rasterized once from the same drawing as
 * public/favicon.svg; the maskable one keeps the glyph inside the 80% safe zone.
 */
export const webManifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'Pronto',
  short_name: 'Pronto',
  description: 'Your next best lead, one tap away: call, record the outcome, move on, even with no signal.',
  lang: 'en',
  dir: 'ltr',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  theme_color: brandColors.theme,
  background_color: brandColors.background,
  categories: ['business', 'productivity'],
  icons: [
    { src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/pwa-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/maskable-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
  // One manifest for everyone who installs the app, and most are reps: no manager screens here
  // (managers reach the board from the app's own links).
  shortcuts: [
    {
      name: 'Next lead',
      short_name: 'Next lead',
      description: 'Open the next best lead to call',
      url: '/',
      icons: [{ src: '/pwa-192x192.png', sizes: '192x192', type: 'image/png' }],
    },
  ],
}
