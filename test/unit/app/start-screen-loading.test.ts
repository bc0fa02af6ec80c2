import type { HtmlTagDescriptor, Rollup } from 'vite'
import { describe, expect, it } from 'vitest'
import { compileHint, compileStartupEagerly, preloadStartRoute } from '@/pwa/start-screen-loading'

type Handler = (...args: unknown[]) => unknown

function chunk(fileName: string, options: { isEntry?: boolean, facade?: string, imports?: string[], css?: string[] } = {}): Rollup.OutputChunk {
  return {
    type: 'chunk',
    fileName,
    isEntry: options.isEntry ?? false,
    facadeModuleId: options.facade ?? null,
    imports: options.imports ?? [],
    code: `export const file = '${fileName}'\n`,
    viteMetadata: { importedCss: new Set(options.css ?? []), importedAssets: new Set() },
  } as unknown as Rollup.OutputChunk
}

/** A build like the app's: the entry with its shared vendor chunk, the start route and another page. */
function appBundle(): Rollup.OutputBundle {
  const chunks = [
    chunk('assets/index.js', { isEntry: true, facade: '/app/index.html', imports: ['assets/vendor.js'] }),
    chunk('assets/vendor.js'),
    chunk('assets/NextLeadPage.js', { facade: '/app/src/pages/NextLeadPage.vue', imports: ['assets/vendor.js', 'assets/useLiveLeads.js'], css: ['assets/NextLeadPage.css'] }),
    chunk('assets/useLiveLeads.js', { imports: ['assets/vendor.js', 'assets/index.js'], css: ['assets/useLiveLeads.css'] }),
    chunk('assets/ManagerBoardPage.js', { facade: '/app/src/pages/ManagerBoardPage.vue', imports: ['assets/vendor.js'] }),
  ]
  const bundle: Rollup.OutputBundle = Object.fromEntries(chunks.map(output => [output.fileName, output]))
  bundle['assets/index.js.map'] = { type: 'asset', fileName: 'assets/index.js.map', source: JSON.stringify({ version: 3, mappings: 'AAAA' }) } as Rollup.OutputAsset
  return bundle
}

describe('preloading the start route', () => {
  const tagsFor = (source: string, bundle = appBundle()) =>
    ((preloadStartRoute(source).transformIndexHtml as { handler: Handler }).handler('', { bundle }) as HtmlTagDescriptor[])

  it('fetches the route\'s chunks and their styles with the app\'s own, and nothing the entry loads anyway', () => {
    expect(tagsFor('src/pages/NextLeadPage.vue').map(tag => `${tag.attrs!.rel} ${tag.attrs!.href}`)).toEqual([
      'modulepreload /assets/NextLeadPage.js',
      'preload /assets/NextLeadPage.css',
      'modulepreload /assets/useLiveLeads.js',
      'preload /assets/useLiveLeads.css',
    ])
  })

  it('fails the build when the route is not built as a chunk of its own (renamed, or imported eagerly)', () => {
    expect(() => tagsFor('src/pages/RenamedPage.vue')).toThrow('no chunk is built from src/pages/RenamedPage.vue')
  })
})

describe('compiling the startup code eagerly', () => {
  const run = (bundle: Rollup.OutputBundle) => (compileStartupEagerly().generateBundle as { handler: Handler }).handler({}, bundle)
  const code = (bundle: Rollup.OutputBundle, fileName: string) => (bundle[fileName] as Rollup.OutputChunk).code

  it('marks the entry and what it imports statically, not the lazily loaded pages', () => {
    const bundle = appBundle()
    run(bundle)
    expect(code(bundle, 'assets/index.js').startsWith(compileHint)).toBe(true)
    expect(code(bundle, 'assets/vendor.js').startsWith(compileHint)).toBe(true)
    expect(code(bundle, 'assets/NextLeadPage.js').startsWith(compileHint)).toBe(false)
    expect(code(bundle, 'assets/ManagerBoardPage.js').startsWith(compileHint)).toBe(false)
  })

  it('keeps source maps in line with the extra first line, once', () => {
    const bundle = appBundle()
    run(bundle)
    run(bundle)
    expect(code(bundle, 'assets/index.js').split(compileHint)).toHaveLength(2)
    const map = JSON.parse((bundle['assets/index.js.map'] as Rollup.OutputAsset).source as string) as { mappings: string }
    expect(map.mappings).toBe(';AAAA')
  })
})
