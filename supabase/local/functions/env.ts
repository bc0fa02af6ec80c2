import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseEnv } from 'node:util'
import { functionsDir, stateDir } from '../config.ts'
import type { StackContext } from '../http.ts'
import { log } from '../log.ts'

/** What functions are told about the stack (the whole StackContext satisfies it). */
export type FunctionsContext = Pick<StackContext, 'apiUrl' | 'anonKey' | 'serviceRoleKey' | 'dbUrl'>

/** The git-ignored secrets file `supabase functions serve` reads too. */
export const secretsFile = path.join(functionsDir, '.env')
/** Deno's cache (npm: packages), kept with the stack's other state. */
export const denoDir = path.join(stateDir, 'deno')

// What Deno itself needs from the parent to fetch npm: packages and trust certificates.
const passThrough = [
  'PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'NPM_CONFIG_REGISTRY', 'DENO_CERT', 'DENO_TLS_CA_STORE', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE',
]

async function readSecrets(file: string): Promise<Record<string, string>> {
  if (!existsSync(file))
    return {}
  const secrets: Record<string, string> = {}
  for (const [name, value] of Object.entries(parseEnv(await readFile(file, 'utf8')))) {
    // The Supabase CLI refuses these too: the platform owns the SUPABASE_ names.
    if (name.startsWith('SUPABASE_'))
      log.error('functions', `${file}: skipping ${name} (names starting with SUPABASE_ are reserved)`)
    else if (value !== undefined)
      secrets[name] = value
  }
  return secrets
}

/**
 * NODE_EXTRA_CA_CERTS names one file, so a caller's CA (e.g. a test double's) would hide the
 * machine's own (e.g. a proxy's, which npm: downloads need): give Deno one file holding both.
 */
async function mergedCaFile(machineFile: string | undefined, extraFile: string | undefined): Promise<string | undefined> {
  if (!machineFile || !extraFile || machineFile === extraFile)
    return extraFile ?? machineFile
  const bundle = `${(await readFile(machineFile, 'utf8')).trim()}\n${(await readFile(extraFile, 'utf8')).trim()}\n`
  const file = path.join(tmpdir(), `pronto-ca-${createHash('sha256').update(bundle).digest('hex').slice(0, 16)}.pem`)
  await writeFile(file, bundle)
  return file
}

/**
 * The environment of a function process, as Supabase gives it: the project's URL and keys, the
 * database URL, then the secrets file and any extra variables (tests), read afresh on every boot.
 */
export async function functionEnvironment(context: FunctionsContext, extra: Record<string, string> = {}, secrets = secretsFile): Promise<Record<string, string>> {
  const inherited = Object.fromEntries(passThrough.flatMap(name => process.env[name] ? [[name, process.env[name]!]] : []))
  const caFile = await mergedCaFile(process.env.NODE_EXTRA_CA_CERTS, extra.NODE_EXTRA_CA_CERTS)
  return {
    ...inherited,
    DENO_DIR: denoDir,
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    ...(await readSecrets(secrets)),
    ...extra,
    ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
    // Deno's fetch (the push sender's client) reads DENO_CERT, not NODE_EXTRA_CA_CERTS: a caller's CA goes to both.
    ...(caFile && extra.NODE_EXTRA_CA_CERTS ? { DENO_CERT: caFile } : {}),
    SUPABASE_URL: context.apiUrl,
    SUPABASE_ANON_KEY: context.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: context.serviceRoleKey,
    SUPABASE_DB_URL: context.dbUrl,
  }
}
