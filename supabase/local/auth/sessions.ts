import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import type { Queryable } from './db.ts'
import { inTransaction } from './db.ts'
import { AuthError, OAuthError } from './errors.ts'
import type { AuthSettings } from './settings.ts'
import { sqlNow, updateUser } from './users.ts'

/** How the session was authenticated; becomes the JWT's `amr` entry. */
export type AuthMethod = 'password' | 'anonymous'
export type LogoutScope = 'global' | 'local' | 'others'

export interface SessionRow {
  id: string
  user_id: string
  created_at: Date
  not_after: Date | null
}

export interface AmrEntry {
  method: string
  timestamp: number
}

/** The outcome of a sign-in or refresh: which session, and the refresh token the client now holds. */
export interface Grant {
  userId: string
  sessionId: string
  refreshToken: string
}

interface RefreshTokenRow {
  id: string
  token: string
  user_id: string
  revoked: boolean
  updated_at: Date
  parent: string | null
  session_id: string | null
}

/** Opaque and unguessable; GoTrue's are short random strings too. */
function newRefreshToken(): string {
  return randomBytes(16).toString('base64url')
}

async function insertRefreshToken(db: Queryable, userId: string, sessionId: string, parent: string | null): Promise<string> {
  const token = newRefreshToken()
  await db.query(
    'insert into auth.refresh_tokens (token, user_id, parent, session_id) values ($1, $2, $3, $4)',
    [token, userId, parent, sessionId],
  )
  return token
}

/** Opens a session for a user who just proved who they are, and records the sign-in time. */
export async function startSession(
  db: Queryable,
  userId: string,
  method: AuthMethod,
  client: { userAgent?: string, ip?: string },
): Promise<Grant> {
  const { rows: [session] } = await db.query<{ id: string }>(
    'insert into auth.sessions (user_id, user_agent, ip) values ($1, $2, $3::inet) returning id',
    [userId, client.userAgent ?? null, client.ip ?? null],
  )
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values (gen_random_uuid(), $1, now(), now(), $2)`,
    [session.id, method],
  )
  await updateUser(db, userId, { last_sign_in_at: sqlNow })
  const refreshToken = await insertRefreshToken(db, userId, session.id, null)
  return { userId, sessionId: session.id, refreshToken }
}

export async function findSession(db: Queryable, id: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>('select id, user_id, created_at, not_after from auth.sessions where id = $1', [id])
  return rows[0]
}

/** The session's authentication methods with when each happened, for the JWT's `amr` claim. */
export async function sessionAmr(db: Queryable, sessionId: string): Promise<AmrEntry[]> {
  const { rows } = await db.query<{ method: string, at: string }>(
    `select authentication_method as method, extract(epoch from updated_at)::bigint as at
     from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId],
  )
  return rows.map(row => ({ method: row.method, timestamp: Number(row.at) }))
}

type Exchange = { grant: Grant } | { reused: true }

/**
 * The refresh_token grant with GoTrue's rotation rules: the token is swapped for a new child. A revoked
 * token still works if it is the parent of the session's active token (the client lost the answer; it
 * gets that active token back) or if it was revoked less than the reuse interval ago. Any other reuse
 * revokes every token of the session and fails with `refresh_token_already_used`.
 */
export async function exchangeRefreshToken(pool: pg.Pool, token: string, settings: AuthSettings): Promise<Grant> {
  if (!token)
    throw new OAuthError('invalid_request', 'refresh_token required')

  const outcome = await inTransaction<Exchange>(pool, async (db) => {
    const { rows: [current] } = await db.query<RefreshTokenRow & { banned_until: Date | null, session_exists: boolean, not_after: Date | null }>(
      `select t.*, u.banned_until, s.id is not null as session_exists, s.not_after
       from auth.refresh_tokens t
       join auth.users u on u.id::text = t.user_id
       left join auth.sessions s on s.id = t.session_id
       where t.token = $1
       for update of t`,
      [token],
    )
    if (!current)
      throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
    if (current.banned_until && current.banned_until > new Date())
      throw new AuthError(400, 'user_banned', 'Invalid Refresh Token: User Banned')
    if (!current.session_exists || !current.session_id)
      throw new AuthError(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found')
    if (current.not_after && current.not_after < new Date())
      throw new AuthError(400, 'session_expired', 'Invalid Refresh Token: Session Expired')

    const sessionId = current.session_id
    // Serializes concurrent refreshes of one session, as GoTrue's row locks do.
    await db.query('select 1 from auth.sessions where id = $1 for update', [sessionId])
    await db.query('update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1', [sessionId])

    if (current.revoked) {
      const { rows: [active] } = await db.query<RefreshTokenRow>(
        'select * from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1',
        [sessionId],
      )
      if (active && active.parent === current.token)
        return { grant: { userId: current.user_id, sessionId, refreshToken: active.token } }
      const reuseUntil = current.updated_at.getTime() + settings.refreshTokenReuseInterval * 1000
      if (Date.now() > reuseUntil) {
        if (settings.refreshTokenRotation) {
          await db.query(
            'update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and not revoked',
            [sessionId],
          )
        }
        return { reused: true }
      }
    }
    // The reuse interval runs from the first revocation, so replays cannot stretch it.
    await db.query(
      'update auth.refresh_tokens set revoked = true, updated_at = case when revoked then updated_at else now() end where id = $1',
      [current.id],
    )
    const refreshToken = await insertRefreshToken(db, current.user_id, sessionId, current.token)
    return { grant: { userId: current.user_id, sessionId, refreshToken } }
  })

  // Committed first, so the revocation of a reused token's session sticks.
  if ('reused' in outcome)
    throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used')
  return outcome.grant
}

/** Ends sessions as GoTrue's /logout scopes do; refresh tokens go with their session. */
export async function endSessions(db: Queryable, userId: string, sessionId: string | undefined, scope: LogoutScope): Promise<void> {
  if (sessionId && scope === 'local')
    await db.query('delete from auth.sessions where id = $1', [sessionId])
  else if (sessionId && scope === 'others')
    await db.query('delete from auth.sessions where user_id = $1 and id <> $2', [userId, sessionId])
  else
    await db.query('delete from auth.sessions where user_id = $1', [userId])
}
