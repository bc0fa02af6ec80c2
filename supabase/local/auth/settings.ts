import { readFileSync } from 'node:fs'
import { parse } from 'smol-toml'
import { configTomlFile } from '../config.ts'

/** The audience (`aud`) of every user and access token, GoTrue's default. */
export const audience = 'authenticated'
/** The database role new users get (GoTrue's default group). */
export const defaultRole = 'authenticated'

/** The parts of GoTrue's configuration the local auth service honours. */
export interface AuthSettings {
  /** Access-token lifetime in seconds (`[auth] jwt_expiry`). */
  jwtExpiry: number
  refreshTokenRotation: boolean
  /** Seconds during which a rotated refresh token may still be exchanged (`refresh_token_reuse_interval`). */
  refreshTokenReuseInterval: number
  minimumPasswordLength: number
  signupEnabled: boolean
  /** Email sign-ups are confirmed at once (`[auth.email] enable_confirmations = false`). */
  mailerAutoconfirm: boolean
  anonymousSignIns: boolean
}

type Table = Record<string, unknown>

function table(value: unknown): Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Table : {}
}

function pick<T>(section: Table, key: string, fallback: T): T {
  const value = section[key]
  return typeof value === typeof fallback ? value as T : fallback
}

/** Reads `[auth]` and `[auth.email]` of supabase/config.toml; missing keys take the Supabase CLI's defaults. */
export function loadAuthSettings(file = configTomlFile): AuthSettings {
  const auth = table(parse(readFileSync(file, 'utf8')).auth)
  const email = table(auth.email)
  return {
    jwtExpiry: pick(auth, 'jwt_expiry', 3600),
    refreshTokenRotation: pick(auth, 'enable_refresh_token_rotation', true),
    refreshTokenReuseInterval: pick(auth, 'refresh_token_reuse_interval', 10),
    minimumPasswordLength: pick(auth, 'minimum_password_length', 6),
    signupEnabled: pick(auth, 'enable_signup', true) && pick(email, 'enable_signup', true),
    mailerAutoconfirm: !pick(email, 'enable_confirmations', false),
    anonymousSignIns: pick(auth, 'enable_anonymous_sign_ins', false),
  }
}
