import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { sessionResponse } from '../access-token.ts'
import { inTransaction } from '../db.ts'
import { AuthError, validationFailed } from '../errors.ts'
import { checkNewPassword, hashPassword } from '../password.ts'
import type { Handler } from '../request.ts'
import { clientInfo, metadata, optional, readJson } from '../request.ts'
import { startSession } from '../sessions.ts'
import { audience, defaultRole } from '../settings.ts'
import { userJson } from '../user-json.ts'
import type { UserColumn } from '../users.ts'
import { findUserByEmail, insertIdentity, insertUser, loadUser, sqlNow, updateUser } from '../users.ts'
import { normalizeEmail } from '../validation.ts'

const signupBody = z.object({
  email: optional(z.string()),
  phone: optional(z.string()),
  password: optional(z.string()),
  data: optional(metadata),
  channel: optional(z.string()),
  code_challenge: optional(z.string()),
  code_challenge_method: optional(z.string()),
})

/** POST /signup: email + password (or no credentials at all: an anonymous sign-in). */
export const signup: Handler = async ({ req, pool, settings, issuer }) => {
  if (!settings.signupEnabled)
    throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance')
  const body = await readJson(req, signupBody)
  const data = body.data ?? {}

  if (!body.email && !body.phone) {
    if (!settings.anonymousSignIns)
      throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
    const grant = await inTransaction(pool, async (db) => {
      const userId = await insertUser(db, {
        aud: audience, role: defaultRole, email: null, phone: null, encryptedPassword: null,
        appMetadata: {}, userMetadata: data, isAnonymous: true,
      })
      return startSession(db, userId, 'anonymous', clientInfo(req))
    })
    return { status: 200, body: await sessionResponse({ db: pool, settings, issuer }, grant) }
  }

  if (!body.password)
    throw validationFailed('Signup requires a valid password')
  checkNewPassword(body.password, settings.minimumPasswordLength)
  if (body.email && body.phone)
    throw validationFailed('Only an email address or phone number should be provided on signup.')
  if (!body.email)
    throw new AuthError(400, 'phone_provider_disabled', 'Phone signups are disabled')
  const email = normalizeEmail(body.email)
  const encryptedPassword = await hashPassword(body.password)

  const outcome = await inTransaction(pool, async (db) => {
    // Serializes sign-ups of one address so two racing requests cannot both create it.
    await db.query('select pg_advisory_xact_lock(hashtext($1))', [`auth.signup:${email}`])
    const existing = await findUserByEmail(db, email, audience)
    // GoTrue would confirm an existing unconfirmed user here and hand out its session without checking
    // the password; the local stack refuses instead, so an admin-made account cannot be taken over.
    if (existing && (existing.email_confirmed_at || settings.mailerAutoconfirm))
      return { exists: true as const }

    // A new address, or (with confirmations on) a repeated sign-up of one still unconfirmed.
    const userId = existing?.id ?? await insertUser(db, {
      aud: audience, role: defaultRole, email, phone: null, encryptedPassword,
      appMetadata: { provider: 'email', providers: ['email'] }, userMetadata: {},
    })
    // GoTrue builds the identity from the provider claims, lets the sign-up data fill in other keys, and
    // starts the user's metadata from it.
    const identityData = { ...data, sub: userId, email, email_verified: false, phone_verified: false }
    const columns: Partial<Record<UserColumn, unknown>> = {}
    if (!existing?.identities.some(identity => identity.provider === 'email')) {
      await insertIdentity(db, userId, 'email', identityData)
      columns.raw_user_meta_data = identityData
    }
    if (!settings.mailerAutoconfirm) {
      // No mail leaves the local stack; the user stays unconfirmed as GoTrue would leave it.
      await updateUser(db, userId, { ...columns, confirmation_sent_at: sqlNow })
      return { userId, confirmed: false as const }
    }
    await updateUser(db, userId, { raw_user_meta_data: { ...identityData, email_verified: true }, email_confirmed_at: sqlNow })
    return { userId, confirmed: true as const, grant: await startSession(db, userId, 'password', clientInfo(req)) }
  })

  if ('exists' in outcome) {
    if (settings.mailerAutoconfirm)
      throw new AuthError(422, 'user_already_exists', 'User already registered')
    // Without autoconfirm GoTrue hides whether the address is taken: it answers with a fake, unconfirmed user.
    return { status: 200, body: fakeUser(email, data) }
  }
  if (!outcome.confirmed) {
    const user = await loadUser(pool, outcome.userId)
    return { status: 200, body: user && userJson(user) }
  }
  return { status: 200, body: await sessionResponse({ db: pool, settings, issuer }, outcome.grant) }
}

function fakeUser(email: string, data: Record<string, unknown>) {
  const now = new Date().toISOString()
  return {
    id: randomUUID(), aud: audience, role: '', email, phone: '', confirmation_sent_at: now,
    app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: data, identities: [],
    created_at: now, updated_at: now, is_anonymous: false,
  }
}
