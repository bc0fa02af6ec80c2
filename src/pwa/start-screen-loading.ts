// Build steps that get a signed-in rep's first screen up sooner on a phone. Used by vite.config.ts.
import type { HtmlTagDescriptor, Plugin, Rollup } from 'vite'

type Chunk = Rollup.OutputChunk

function chunksOf(bundle: Rollup.OutputBundle): Chunk[] {
  return Object.values(bundle).filter((output): output is Chunk => output.type === 'chunk')
}

/** The chunk index.html starts the app with. */
function entryChunk(chunks: Chunk[]): Chunk | undefined {
  return chunks.find(chunk => chunk.isEntry)
}

/**
 * Fetches the lazily loaded code of the route `source` (the screen a signed-in rep opens to every
 * time) together with the app's own, instead of after the app has started and routed: one round
 * trip less before the lead shows. `<link rel="modulepreload">` for its chunks and a preload for
 * their styles; the code still runs only when the route is entered.
 */
export function preloadStartRoute(source: string): Plugin {
  return {
    name: 'pronto:preload-start-route',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        if (!bundle)
          return
        const chunks = chunksOf(bundle)
        const route = chunks.find(chunk => chunk.facadeModuleId?.endsWith(source))
        if (!route)
          throw new Error(`preloadStartRoute: no chunk is built from ${source}`)
        const entry = entryChunk(chunks)
        const loadedAnyway = new Set([entry?.fileName, ...(entry?.imports ?? [])])
        const tags: HtmlTagDescriptor[] = []
        const seen = new Set<string>()
        const visit = (chunk: Chunk | undefined) => {
          if (!chunk || seen.has(chunk.fileName) || loadedAnyway.has(chunk.fileName))
            return
          seen.add(chunk.fileName)
          tags.push({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` }, injectTo: 'head' })
          for (const style of chunk.viteMetadata?.importedCss ?? [])
            tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${style}` }, injectTo: 'head' })
          chunk.imports.forEach(fileName => visit(chunks.find(candidate => candidate.fileName === fileName)))
        }
        visit(route)
        return tags
      },
    },
  }
}

/** V8's explicit compile hint: compile the whole file eagerly, off the main thread, while it streams in. */
export const compileHint = '//# allFunctionsCalledOnLoad\n'

/**
 * Marks the chunks every start runs (the entry and what it imports statically) with V8's compile
 * hint, so Chrome compiles their functions on a background thread as they download instead of
 * one by one on the main thread the first time each is called, which is most of them at start.
 */
export function compileStartupEagerly(): Plugin {
  return {
    name: 'pronto:compile-startup-eagerly',
    apply: 'build',
    generateBundle: {
      // After Vite's own steps, which put code before the first line.
      order: 'post',
      handler(_options, bundle) {
        const chunks = chunksOf(bundle)
        const entry = entryChunk(chunks)
        if (!entry)
          return
        const startup = new Set([entry.fileName, ...entry.imports])
        for (const chunk of chunks) {
          if (!startup.has(chunk.fileName) || chunk.code.startsWith(compileHint))
            continue
          chunk.code = compileHint + chunk.code
          // Source maps count lines: the hint is one more at the top.
          const map = bundle[`${chunk.fileName}.map`]
          if (map?.type === 'asset' && typeof map.source === 'string') {
            const parsed = JSON.parse(map.source) as { mappings: string }
            map.source = JSON.stringify({ ...parsed, mappings: `;${parsed.mappings}` })
          }
        }
      },
    },
  }
}
