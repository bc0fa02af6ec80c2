import { decodeJwt } from 'jose'
import { signJwt } from '../jwt.ts'
import type { Queryable } from './db.ts'
import type { Grant } from './sessions.ts'
import { sessionAmr } from './sessions.ts'
import type { AuthSettings } from './settings.ts'
import { appMetadata, userJson, userMetadata } from './user-json.ts'
import type { UserRecord } from './users.ts'
import { loadUser } from './users.ts'

export interface TokenContext {
  db: Queryable
  settings: AuthSettings
  /** `${apiUrl}/auth/v1`, the `iss` GoTrue puts in its tokens. */
  issuer: string
}

/** Signs an access token carrying the claims GoTrue puts in one (tokens.AccessTokenClaims). */
async function signAccessToken(context: TokenContext, user: UserRecord, sessionId: string): Promise<{ token: string, expiresAt: number }> {
  const token = await signJwt({
    iss: context.issuer,
    sub: user.id,
    aud: user.aud ?? 'authenticated',
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: appMetadata(user),
    user_metadata: userMetadata(user),
    role: user.role ?? 'authenticated',
    aal: 'aal1',
    amr: await sessionAmr(context.db, sessionId),
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  }, context.settings.jwtExpiry)
  return { token, expiresAt: decodeJwt(token).exp ?? 0 }
}

/** The session body of the token endpoints and an autoconfirmed sign-up (AccessTokenResponse). */
export async function sessionResponse(context: TokenContext, grant: Grant) {
  const user = await loadUser(context.db, grant.userId)
  if (!user)
    throw new Error(`user ${grant.userId} vanished while issuing its session`)
  const { token, expiresAt } = await signAccessToken(context, user, grant.sessionId)
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: expiresAt - Math.floor(Date.now() / 1000),
    expires_at: expiresAt,
    refresh_token: grant.refreshToken,
    user: userJson(user),
  }
}
