import { rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { repoRoot } from './config.ts'

export const envLocalFile = path.join(repoRoot, '.env.local')

export interface EnvLocalValues {
  apiUrl: string
  anonKey: string
  serviceRoleKey: string
  /** Where the PWA is served, e.g. http://127.0.0.1:4173 */
  appUrl: string
  /** Further variables other parts of the stack publish (e.g. VITE_VAPID_PUBLIC_KEY). */
  extra?: Record<string, string>
}

/**
 * A dotenv value, quoted only when it has to be. dotenv (Vite) and Node's parseEnv unescape nothing
 * but `\n` in double quotes, so pick the quote the value does not contain.
 */
function formatValue(name: string, value: string): string {
  if (/^[\w.:/@+=,-]*$/.test(value))
    return value
  if (!value.includes('\n') && !value.includes('\''))
    return `'${value}'`
  if (!value.includes('"'))
    return `"${value.replace(/\n/g, '\\n')}"`
  if (!value.includes('\n') && !value.includes('`'))
    return `\`${value}\``
  throw new Error(`${name}: a value with newlines and quotes of every kind cannot be written to a dotenv file`)
}

/**
 * Writes `.env.local` (git-ignored) so the PWA (Vite reads it), scripts and tests find the running
 * stack. Rewritten on every start; the file appears whole or not at all.
 */
export async function writeEnvLocal(values: EnvLocalValues, file = envLocalFile): Promise<string> {
  const vars: Record<string, string> = {
    VITE_SUPABASE_URL: values.apiUrl,
    VITE_SUPABASE_ANON_KEY: values.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: values.serviceRoleKey,
    PRONTO_APP_URL: values.appUrl,
    ...values.extra,
  }
  for (const name of Object.keys(vars)) {
    if (!/^[A-Z_][A-Z0-9_]*$/i.test(name))
      throw new Error(`not a valid environment variable name: ${name}`)
  }
  const text = [
    '# Written by the local stack (supabase/local) on every start; do not edit, it is overwritten.',
    '# Put your own overrides in .env.development.local or .env.production.local.',
    ...Object.entries(vars).map(([name, value]) => `${name}=${formatValue(name, value)}`),
    '',
  ].join('\n')
  const draft = `${file}.${process.pid}.tmp`
  await writeFile(draft, text, { mode: 0o600 })
  await rename(draft, file)
  return file
}
