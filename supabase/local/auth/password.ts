import { compare, getRounds, hash } from 'bcryptjs'
import { AuthError, validationFailed } from './errors.ts'

/** GoTrue's bcrypt cost. */
const cost = 10
/** bcrypt ignores input past 72 bytes, so GoTrue refuses longer passwords. */
const maxPasswordBytes = 72

export async function hashPassword(password: string): Promise<string> {
  return hash(password, cost)
}

/**
 * Checks a password against a stored bcrypt hash. Accepts every bcrypt variant, including the `$2a$`
 * hashes pgcrypto's `crypt(pw, gen_salt('bf'))` writes, so users created by seed SQL can sign in.
 */
export async function verifyPassword(password: string, storedHash: string | null): Promise<boolean> {
  if (!storedHash || !isBcryptHash(storedHash))
    return false
  return compare(password, storedHash)
}

export function isBcryptHash(value: string): boolean {
  if (!/^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(value))
    return false
  try {
    getRounds(value)
    return true
  }
  catch {
    return false
  }
}

export interface WeakPassword {
  message: string
  reasons: string[]
}

/** Why GoTrue's strength rules, as configured here (a minimum length), call a password weak, if they do. */
export function weakPassword(password: string, minimumLength: number): WeakPassword | undefined {
  if (Buffer.byteLength(password, 'utf8') < minimumLength)
    return { message: `Password should be at least ${minimumLength} characters.`, reasons: ['length'] }
  return undefined
}

/** Throws what GoTrue answers for a password it will not store: too long (400) or weak (422 `weak_password`). */
export function checkNewPassword(password: string, minimumLength: number): void {
  if (Buffer.byteLength(password, 'utf8') > maxPasswordBytes)
    throw validationFailed(`Password cannot be longer than ${maxPasswordBytes} characters`)
  const weak = weakPassword(password, minimumLength)
  if (weak)
    throw new AuthError(422, 'weak_password', weak.message, { weak_password: { reasons: weak.reasons } })
}
