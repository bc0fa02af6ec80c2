import { describe, expect, it } from 'vitest'
import { chunkWithStaticImports, scriptsInHtml } from '../../bench/pwa/first-screen-js.ts'
import { manifestGaps, pngSize } from '../../bench/pwa/installability.ts'

describe('first-screen scripts', () => {
  it('takes the module entry and its modulepreloads from index.html, not stylesheets or icons', () => {
    const html = `<head>
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <script type="module" crossorigin src="/assets/index-a.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-b.js">
      <link rel="stylesheet" crossorigin href="/assets/index-c.css">
    </head>`
    expect(scriptsInHtml(html)).toEqual(['/assets/index-a.js', '/assets/vendor-b.js'])
  })

  it('follows a route chunk through its static imports once each, and not its dynamic ones', () => {
    const manifest = {
      'index.html': { file: 'assets/index.js', imports: ['_shared.js'], dynamicImports: ['src/pages/Other.vue'] },
      '_shared.js': { file: 'assets/shared.js', imports: ['index.html'] },
      'src/pages/SignInPage.vue': { file: 'assets/SignInPage.js', imports: ['index.html', '_shared.js', '_form.js'] },
      '_form.js': { file: 'assets/form.js' },
      'src/pages/Other.vue': { file: 'assets/Other.js' },
    }
    expect(chunkWithStaticImports(manifest, 'src/pages/SignInPage.vue'))
      .toEqual(['assets/SignInPage.js', 'assets/index.js', 'assets/shared.js', 'assets/form.js'])
  })

  it('refuses a route the build does not have', () => {
    expect(() => chunkWithStaticImports({}, 'src/pages/Missing.vue')).toThrow(/not in the build manifest/)
  })
})

describe('manifest completeness', () => {
  const complete = {
    name: 'Pronto',
    start_url: '/',
    display: 'standalone',
    icons: [
      { src: '/192.png', sizes: '192x192', type: 'image/png' },
      { src: '/512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/m.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  }

  it('finds nothing missing in a complete manifest', () => {
    expect(manifestGaps(complete)).toEqual([])
  })

  it('names each missing piece', () => {
    const gaps = manifestGaps({ ...complete, name: ' ', start_url: undefined, display: 'browser', icons: [complete.icons[0]] })
    expect(gaps).toEqual([
      'manifest has no name',
      'manifest has no start_url',
      'manifest display is "browser", not "standalone"',
      'manifest has no 512x512 icon for purpose "any"',
      'manifest has no maskable icon of 192x192 or 512x512',
    ])
  })

  it('does not count a maskable-only icon as the "any" icon of its size', () => {
    const icons = [complete.icons[0], complete.icons[2]]
    expect(manifestGaps({ ...complete, icons })).toEqual(['manifest has no 512x512 icon for purpose "any"'])
  })
})

describe('pngSize', () => {
  it('reads width and height from the IHDR chunk', () => {
    const header = Buffer.alloc(24)
    Buffer.from('89504e470d0a1a0a', 'hex').copy(header, 0)
    header.writeUInt32BE(13, 8)
    header.write('IHDR', 12, 'latin1')
    header.writeUInt32BE(192, 16)
    header.writeUInt32BE(96, 20)
    expect(pngSize(header)).toEqual({ width: 192, height: 96 })
  })

  it('says null for bytes that are not a PNG', () => {
    expect(pngSize(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull()
  })
})
