import type { IncomingMessage } from 'node:http'
import type { Claims } from '../jwt.ts'
import { bearerToken, JwtError, verifyJwt } from '../jwt.ts'
import type { Queryable } from './db.ts'
import { AuthError } from './errors.ts'
import type { SessionRow } from './sessions.ts'
import { findSession } from './sessions.ts'
import type { UserRecord } from './users.ts'
import { loadUser } from './users.ts'
import { isUuid } from './validation.ts'

/** Roles GoTrue lets use /admin (its default JWT admin roles). */
const adminRoles = ['service_role', 'supabase_admin']

export interface Authenticated {
  claims: Claims
  user: UserRecord
  /** Absent only for tokens without a session_id claim (e.g. hand-made ones). */
  session?: SessionRow
}

/** Verifies the request's bearer JWT; GoTrue answers 401 without one and 403 `bad_jwt` for a bad one. */
async function verifiedClaims(req: IncomingMessage): Promise<Claims> {
  const token = bearerToken(req.headers.authorization)
  if (!token)
    throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
  try {
    return await verifyJwt(token)
  }
  catch (error) {
    if (!(error instanceof JwtError))
      throw error
    // Worded as GoTrue's JWT library words it, so logs and messages read the same.
    const reason = error.expired ? 'token has invalid claims: token is expired' : error.message.replace(/^invalid JWT: /, '')
    throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${reason}`)
  }
}

function isBanned(user: UserRecord): boolean {
  return user.banned_until !== null && user.banned_until > new Date()
}

/**
 * A signed-in user's request: the JWT must verify, its user must exist and, when it names a session,
 * that session must still exist, so a signed-out token stops working at once (GoTrue's
 * requireAuthentication).
 */
export async function authenticateUser(db: Queryable, req: IncomingMessage): Promise<Authenticated> {
  const claims = await verifiedClaims(req)
  if (!claims.sub)
    throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim')
  if (!isUuid(claims.sub))
    throw new AuthError(400, 'bad_jwt', 'invalid claim: sub claim must be a UUID')
  const user = await loadUser(db, claims.sub)
  if (!user)
    throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist')

  let session: SessionRow | undefined
  const sessionId = claims.session_id
  if (sessionId && sessionId !== '00000000-0000-0000-0000-000000000000') {
    if (!isUuid(sessionId))
      throw new AuthError(403, 'bad_jwt', 'invalid claim: session_id claim must be a UUID')
    session = await findSession(db, sessionId)
    if (!session)
      throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist')
  }
  if (isBanned(user))
    throw new AuthError(403, 'user_banned', 'User is banned')
  return { claims, user, session }
}

/** The /admin endpoints: a JWT whose role is an admin role (the service_role key). */
export async function authenticateAdmin(db: Queryable, req: IncomingMessage): Promise<Claims> {
  const claims = await verifiedClaims(req)
  // A user token that carries an admin role must still belong to a live session.
  if (claims.session_id)
    await authenticateUser(db, req)
  if (!adminRoles.includes(claims.role))
    throw new AuthError(403, 'not_admin', 'User not allowed')
  return claims
}
