import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { SignJWT } from 'jose'

/** Repository root, resolved from this file so the stack works from any cwd. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const supabaseDir = path.join(repoRoot, 'supabase')
export const migrationsDir = path.join(supabaseDir, 'migrations')
export const functionsDir = path.join(supabaseDir, 'functions')
export const seedFile = path.join(supabaseDir, 'seed.sql')
export const configTomlFile = path.join(supabaseDir, 'config.toml')
/** Git-ignored working folder of the local stack (database, VAPID keys, Deno cache). */
export const stateDir = path.join(repoRoot, '.pronto')

/** Same defaults as the Supabase CLI's local stack. */
export const defaultPorts = { api: 54321, db: 54322, app: 4173 }

// The Supabase CLI's well-known local secret: local stacks are not secret, and reusing it
// means the familiar demo anon/service_role keys work here unchanged.
export const jwtSecret = 'super-secret-jwt-token-with-at-least-32-characters-long'
export const dbPassword = 'postgres'

export interface StackKeys {
  anonKey: string
  serviceRoleKey: string
}

async function signApiKey(role: 'anon' | 'service_role'): Promise<string> {
  return new SignJWT({ iss: 'supabase-demo', role, exp: 1983812996 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(jwtSecret))
}

/** The anon and service_role API keys: long-lived HS256 JWTs signed with the stack's secret. */
export async function apiKeys(): Promise<StackKeys> {
  return { anonKey: await signApiKey('anon'), serviceRoleKey: await signApiKey('service_role') }
}
