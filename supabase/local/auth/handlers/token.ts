import { z } from 'zod'
import { sessionResponse } from '../access-token.ts'
import { inTransaction } from '../db.ts'
import { AuthError, invalidCredentials, validationFailed } from '../errors.ts'
import { verifyPassword, weakPassword } from '../password.ts'
import type { AuthRequest, Handler } from '../request.ts'
import { clientInfo, optional, readJson } from '../request.ts'
import { exchangeRefreshToken, startSession } from '../sessions.ts'
import { audience } from '../settings.ts'
import { findUserByEmail } from '../users.ts'

const passwordBody = z.object({
  email: optional(z.string()),
  phone: optional(z.string()),
  password: optional(z.string()),
})

const refreshBody = z.object({ refresh_token: optional(z.string()) })

/** grant_type=password: GoTrue's ResourceOwnerPasswordGrant. */
async function passwordGrant({ req, pool, settings, issuer }: AuthRequest) {
  const body = await readJson(req, passwordBody)
  if (body.email && body.phone)
    throw validationFailed('Only an email address or phone number should be provided on login.')
  if (body.phone)
    throw new AuthError(422, 'phone_provider_disabled', 'Phone logins are disabled')
  if (!body.email)
    throw validationFailed('missing email or phone')
  const password = body.password ?? ''

  const user = await findUserByEmail(pool, body.email, audience)
  if (!user?.encrypted_password)
    throw invalidCredentials()
  if (user.banned_until && user.banned_until > new Date())
    throw new AuthError(400, 'user_banned', 'User is banned')
  if (!await verifyPassword(password, user.encrypted_password))
    throw invalidCredentials()
  if (!user.email_confirmed_at)
    throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed')

  const grant = await inTransaction(pool, db => startSession(db, user.id, 'password', clientInfo(req)))
  const session = await sessionResponse({ db: pool, settings, issuer }, grant)
  // A correct password that today's rules call weak still signs in; GoTrue says so alongside the session.
  const weak = weakPassword(password, settings.minimumPasswordLength)
  return weak ? { ...session, weak_password: weak } : session
}

async function refreshTokenGrant({ req, pool, settings, issuer }: AuthRequest) {
  const body = await readJson(req, refreshBody)
  const grant = await exchangeRefreshToken(pool, body.refresh_token ?? '', settings)
  return sessionResponse({ db: pool, settings, issuer }, grant)
}

const grants: Record<string, (request: AuthRequest) => Promise<unknown>> = {
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
}

/** Grants GoTrue has but this stack does not implement (no OAuth providers, PKCE flow state or wallets). */
const unavailableGrants = new Set(['pkce', 'id_token', 'web3'])

/** POST /token?grant_type=… */
export const token: Handler = async (request) => {
  const grantType = request.url.searchParams.get('grant_type') ?? ''
  const grant = grants[grantType]
  if (grant)
    return { status: 200, body: await grant(request) }
  if (unavailableGrants.has(grantType))
    throw validationFailed(`grant_type=${grantType} is not available on the local stack`)
  throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type')
}
