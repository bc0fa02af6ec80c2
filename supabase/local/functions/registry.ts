import { existsSync, statSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'smol-toml'

/** One edge function as the Supabase CLI resolves it. */
export interface EdgeFunction {
  name: string
  dir: string
  entrypoint: string
  /** deno.json (a whole Deno config) or a bare import map; absolute. */
  importMap?: string
  verifyJwt: boolean
}

/**
 * A folder laid out like `supabase/functions/` (one sub-folder per function, `_shared` and dot
 * folders are not functions) and the config.toml whose `[functions.<name>]` tables configure them;
 * paths in that file are relative to its own folder, as in `supabase/config.toml`.
 */
export interface FunctionSource {
  dir: string
  configFile: string
}

interface FunctionConfig {
  enabled?: boolean
  verify_jwt?: boolean
  import_map?: string
  entrypoint?: string
}

const entrypointNames = ['index.ts', 'index.tsx', 'index.js', 'index.jsx', 'index.mjs']
const denoConfigNames = ['deno.json', 'deno.jsonc']

export function isFunctionFolderName(name: string): boolean {
  return !name.startsWith('_') && !name.startsWith('.')
}

async function readFunctionConfigs(configFile: string): Promise<Record<string, FunctionConfig>> {
  if (!existsSync(configFile))
    return {}
  const toml = parse(await readFile(configFile, 'utf8')) as { functions?: Record<string, FunctionConfig> }
  return toml.functions ?? {}
}

function firstExisting(dir: string, names: string[]): string | undefined {
  return names.map(name => path.join(dir, name)).find(file => existsSync(file))
}

async function resolveFunction(source: FunctionSource, name: string, config: FunctionConfig): Promise<EdgeFunction | undefined> {
  const dir = path.join(source.dir, name)
  if (config.enabled === false || !statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    return undefined
  const configDir = path.dirname(source.configFile)
  const entrypoint = config.entrypoint ? path.resolve(configDir, config.entrypoint) : firstExisting(dir, entrypointNames)
  if (!entrypoint || !existsSync(entrypoint))
    return undefined
  const importMap = config.import_map
    ? path.resolve(configDir, config.import_map)
    // Per-function deno.json, else the legacy shared import map of the functions folder.
    : firstExisting(dir, denoConfigNames) ?? firstExisting(source.dir, ['import_map.json'])
  return { name, dir, entrypoint, importMap, verifyJwt: config.verify_jwt ?? true }
}

/**
 * Finds functions by name across the sources (the first source that has it wins) and caches
 * what it found until `invalidate()` (called when files change).
 */
export class FunctionRegistry {
  private cache = new Map<string, Promise<EdgeFunction | undefined>>()
  private configs = new Map<string, Promise<Record<string, FunctionConfig>>>()

  constructor(readonly sources: FunctionSource[]) {}

  lookup(name: string): Promise<EdgeFunction | undefined> {
    if (!isFunctionFolderName(name) || name.includes('..'))
      return Promise.resolve(undefined)
    let found = this.cache.get(name)
    if (!found) {
      found = this.find(name)
      this.cache.set(name, found)
    }
    return found
  }

  /** Every function currently present, e.g. to print them at start-up. */
  async list(): Promise<EdgeFunction[]> {
    const names = new Set<string>()
    for (const source of this.sources) {
      const entries = await readdir(source.dir, { withFileTypes: true }).catch(() => [])
      for (const entry of entries) {
        if (entry.isDirectory() && isFunctionFolderName(entry.name))
          names.add(entry.name)
      }
    }
    const found = await Promise.all([...names].sort().map(name => this.lookup(name)))
    return found.filter(fn => fn !== undefined)
  }

  invalidate(): void {
    this.cache.clear()
    this.configs.clear()
  }

  private configOf(source: FunctionSource): Promise<Record<string, FunctionConfig>> {
    let configs = this.configs.get(source.configFile)
    if (!configs) {
      configs = readFunctionConfigs(source.configFile)
      this.configs.set(source.configFile, configs)
      // A broken config.toml should be retried once it is fixed, not cached.
      configs.catch(() => this.configs.delete(source.configFile))
    }
    return configs
  }

  private async find(name: string): Promise<EdgeFunction | undefined> {
    try {
      for (const source of this.sources) {
        const fn = await resolveFunction(source, name, (await this.configOf(source))[name] ?? {})
        if (fn)
          return fn
      }
      return undefined
    }
    catch (error) {
      this.cache.delete(name)
      throw error
    }
  }
}
