import { AuthError, validationFailed } from './errors.ts'

// The address syntax GoTrue's email check (checkmail.ValidateFormat) accepts.
const emailPattern = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Validates an email address and returns it lower-cased, as GoTrue stores it. */
export function normalizeEmail(email: string): string {
  if (email === '')
    throw validationFailed('An email address is required')
  if (email.length > 255)
    throw validationFailed('An email address is too long')
  if (!emailPattern.test(email))
    throw validationFailed('Unable to validate email address: invalid format')
  return email.toLowerCase()
}

/** E.164 digits without the plus, as GoTrue stores phone numbers. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/[\s()+-]/g, '')
  if (!/^[1-9]\d{1,14}$/.test(digits))
    throw validationFailed('Invalid phone number format (E.164 required)')
  return digits
}

export function isUuid(value: string): boolean {
  return uuidPattern.test(value)
}

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Parses a Go duration such as `24h` or `1h30m` (the format of `ban_duration`) into milliseconds. */
export function parseGoDuration(value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map(part => part[0]).join('') !== value)
    throw new AuthError(400, 'validation_failed', `invalid format for ban duration: time: invalid duration "${value}"`)
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * durationUnits[unit], 0)
}
