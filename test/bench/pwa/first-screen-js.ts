import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

/** One chunk of Vite's build manifest (`vite build --manifest`), keyed by its source. */
export interface ManifestChunk {
  file: string
  imports?: string[]
}
export type BuildManifest = Record<string, ManifestChunk>

export interface ScriptSize {
  file: string
  bytes: number
  gzipBytes: number
}

function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, name, value]) => [name, value]))
}

/** Scripts index.html makes the browser fetch at once: module entries and their modulepreload links. */
export function scriptsInHtml(html: string): string[] {
  const scripts: string[] = []
  for (const [tag, element] of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const attrs = attributes(tag)
    if (element === 'script' && attrs.type === 'module' && attrs.src)
      scripts.push(attrs.src)
    else if (element === 'link' && attrs.rel === 'modulepreload' && attrs.href)
      scripts.push(attrs.href)
  }
  return scripts
}

/** The chunk built from `source` and every chunk it imports statically, as output files. */
export function chunkWithStaticImports(manifest: BuildManifest, source: string): string[] {
  const files: string[] = []
  const seen = new Set<string>()
  const visit = (key: string) => {
    if (seen.has(key))
      return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk)
      throw new Error(`${key} is not in the build manifest (known: ${Object.keys(manifest).join(', ')})`)
    files.push(chunk.file)
    chunk.imports?.forEach(visit)
  }
  visit(source)
  return files
}

/**
 * The JavaScript a visitor's first screen needs from a build in `outDir` made with `--manifest`:
 * what index.html loads (entry plus modulepreloads) and the lazily loaded chunk of the route that
 * screen shows, with that chunk's own static imports. Each file counted once, gzipped as a server
 * would send it (node:zlib's default level).
 */
export async function firstScreenScripts(outDir: string, routeSource: string): Promise<ScriptSize[]> {
  const html = await readFile(path.join(outDir, 'index.html'), 'utf8')
  const manifest = JSON.parse(await readFile(path.join(outDir, '.vite/manifest.json'), 'utf8')) as BuildManifest
  const fromHtml = scriptsInHtml(html).map(url => url.replace(/^\//, ''))
  if (fromHtml.length === 0)
    throw new Error(`No module script in ${outDir}/index.html`)
  const files = [...new Set([...fromHtml, ...chunkWithStaticImports(manifest, routeSource)])]
  return Promise.all(files.map(async (file) => {
    const content = await readFile(path.join(outDir, file))
    return { file, bytes: content.length, gzipBytes: gzipSync(content).length }
  }))
}
