import { z } from 'zod'
import { authenticateUser } from '../authenticate.ts'
import type { Queryable } from '../db.ts'
import { inTransaction } from '../db.ts'
import { AuthError, validationFailed } from '../errors.ts'
import { checkNewPassword, hashPassword, verifyPassword } from '../password.ts'
import type { Handler } from '../request.ts'
import { metadata, optional, readJson } from '../request.ts'
import { audience } from '../settings.ts'
import { userJson } from '../user-json.ts'
import type { Metadata, UserColumn, UserRecord } from '../users.ts'
import { emailTaken, insertIdentity, loadUser, mergeMetadata, sqlNow, updateIdentityData, updateUser } from '../users.ts'
import { normalizeEmail, normalizePhone } from '../validation.ts'

/** GET /user: the signed-in user. */
export const getUser: Handler = async ({ req, pool }) => {
  const { claims, user } = await authenticateUser(pool, req)
  if (claims.aud !== audience)
    throw validationFailed('Token audience doesn\'t match request audience')
  return { status: 200, body: userJson(user) }
}

const updateBody = z.object({
  email: optional(z.string()),
  password: optional(z.string()),
  current_password: optional(z.string()),
  nonce: optional(z.string()),
  data: optional(metadata),
  app_metadata: optional(metadata),
  phone: optional(z.string()),
  channel: optional(z.string()),
  code_challenge: optional(z.string()),
  code_challenge_method: optional(z.string()),
})

/** Columns GoTrue clears on a password change: pending links and codes made under the old password. */
const passwordResetColumns: Partial<Record<UserColumn, unknown>> = {
  confirmation_token: '', confirmation_sent_at: null, recovery_token: '', recovery_sent_at: null,
  email_change_token_current: '', email_change_token_new: '', email_change_sent_at: null,
  phone_change_token: '', phone_change_sent_at: null, reauthentication_token: '', reauthentication_sent_at: null,
}

/** PUT /user: change the signed-in user's password, email or user metadata. */
export const updateUserSelf: Handler = async ({ req, pool, settings }) => {
  const { user, session } = await authenticateUser(pool, req)
  const body = await readJson(req, updateBody)

  const email = body.email ? normalizeEmail(body.email) : undefined
  if (body.phone && normalizePhone(body.phone) !== user.phone)
    throw new AuthError(400, 'sms_send_failed', 'Changing the phone number needs an SMS, which the local stack cannot send')
  if (body.password !== undefined && body.password !== '')
    checkNewPassword(body.password, settings.minimumPasswordLength)
  if (body.app_metadata)
    throw new AuthError(403, 'not_admin', 'Updating app_metadata requires admin privileges')
  if (user.is_anonymous && body.password && !email)
    throw new AuthError(422, 'validation_failed', 'Updating password of an anonymous user without an email or phone is not allowed')
  const changingEmail = email !== undefined && email !== user.email
  if (changingEmail && await emailTaken(pool, email, audience, user.id))
    throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered')

  let passwordHash: string | null | undefined
  if (body.password !== undefined) {
    if (body.password !== '' && await verifyPassword(body.password, user.encrypted_password))
      throw new AuthError(422, 'same_password', 'New password should be different from the old password.')
    passwordHash = body.password === '' ? null : await hashPassword(body.password)
  }

  await inTransaction(pool, async (db) => {
    if (passwordHash !== undefined) {
      await updateUser(db, user.id, { encrypted_password: passwordHash, ...passwordResetColumns })
      // Other devices must sign in again with the new password; this session stays.
      if (session)
        await db.query('delete from auth.sessions where user_id = $1 and id <> $2', [user.id, session.id])
      else
        await db.query('delete from auth.sessions where user_id = $1', [user.id])
    }
    if (body.data)
      await updateUser(db, user.id, { raw_user_meta_data: mergeMetadata(user.raw_user_meta_data, body.data) })
    if (changingEmail)
      await changeEmail(db, user, email)
  })
  const updated = await loadUser(pool, user.id)
  return { status: 200, body: updated && userJson(updated) }
}

/**
 * Applies an email change at once. GoTrue would first mail a confirmation link to the new (and old)
 * address; the local stack sends no mail, so the change is treated as confirmed.
 */
async function changeEmail(db: Queryable, user: UserRecord, email: string): Promise<void> {
  const hadEmailIdentity = await updateIdentityData(db, user.id, 'email', { email, email_verified: true })
  const columns: Partial<Record<UserColumn, unknown>> = { email, email_change: '', email_confirmed_at: sqlNow }
  if (!hadEmailIdentity) {
    await insertIdentity(db, user.id, 'email', { sub: user.id, email, email_verified: true, phone_verified: false })
    const app: Metadata = user.raw_app_meta_data ?? {}
    const providers = Array.isArray(app.providers) ? app.providers as string[] : []
    columns.raw_app_meta_data = mergeMetadata(app, {
      provider: typeof app.provider === 'string' ? app.provider : 'email',
      providers: [...new Set([...providers, 'email'])],
    })
  }
  if (user.is_anonymous)
    columns.is_anonymous = false
  await updateUser(db, user.id, columns)
}
