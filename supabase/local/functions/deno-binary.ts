import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

let resolved: string | undefined

/**
 * The real Deno executable shipped by the `deno` npm package: its postinstall puts it beside the
 * package's launcher; without that step, the package's own installer API finds the platform build.
 * Spawning it directly (not the Node launcher) keeps one process per function and signals direct.
 */
export function denoBinary(): string {
  if (resolved)
    return resolved
  const packageDir = path.dirname(require.resolve('deno/package.json'))
  const beside = path.join(packageDir, process.platform === 'win32' ? 'deno.exe' : 'deno')
  if (existsSync(beside)) {
    resolved = beside
    return resolved
  }
  const installer = require(path.join(packageDir, 'install_api.cjs')) as { runInstall: () => string }
  resolved = installer.runInstall()
  return resolved
}
