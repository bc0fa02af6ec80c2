import type pg from 'pg'
import { JwtError, verifyJwt } from '../jwt.ts'
import type { Claims } from '../jwt.ts'

/** Who a channel acts as: the verified JWT's role and claims, as RLS will see them. */
export interface RealtimeAuth {
  token: string
  role: string
  claims: Claims
  /** `request.jwt.claims` exactly as set for RLS checks; also groups identical subscribers. */
  claimsJson: string
  /** Epoch milliseconds. */
  expiresAt: number
}

/** A token Realtime refuses, with Supabase Realtime's wording. */
export class RealtimeAuthError extends Error {}

/** Verifies a JWT the way Supabase Realtime requires it: our secret, and both `role` and `exp`. */
export async function authenticate(token: string): Promise<RealtimeAuth> {
  let claims: Claims
  try {
    claims = await verifyJwt(token)
  }
  catch (error) {
    if (error instanceof JwtError && error.expired)
      throw new RealtimeAuthError('Token has expired')
    if (error instanceof JwtError && /signature/i.test(error.message))
      throw new RealtimeAuthError('Failed to validate JWT signature')
    throw new RealtimeAuthError('The token provided is not a valid JWT')
  }
  if (typeof claims.exp !== 'number')
    throw new RealtimeAuthError('Fields `role` and `exp` are required in JWT')
  return { token, role: claims.role, claims, claimsJson: JSON.stringify(claims), expiresAt: claims.exp * 1000 }
}

/** New-style `sb_…` keys are not JWTs; realtime-js may send them, Supabase ignores them as tokens. */
export function isApiKeyLiteral(token: string): boolean {
  return token.startsWith('sb_')
}

/** Whether `role` sees every row (superuser or BYPASSRLS, like service_role); undefined if no such role. */
export async function roleBypassesRls(pool: pg.Pool, role: string): Promise<boolean | undefined> {
  const { rows } = await pool.query<{ bypass: boolean }>('select rolsuper or rolbypassrls as bypass from pg_roles where rolname = $1', [role])
  return rows[0]?.bypass
}
