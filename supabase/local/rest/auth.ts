import type { IncomingHttpHeaders } from 'node:http'
import { bearerToken, JwtError, verifyJwt } from '../jwt.ts'
import type { Claims } from '../jwt.ts'
import { RestError, unauthorized } from './errors.ts'

export const anonRole = 'anon'

/** Who a request runs as: the database role and the claims `auth.uid()`/`auth.jwt()` read. */
export interface Identity {
  role: string
  claims: Claims
  /** PostgREST's notion: the role differs from the anon role (decides 401 vs 403 on 42501). */
  authenticated: boolean
  /** `claims` as the JSON text of `request.jwt.claims`. */
  claimsJson: string
}

// Verifying a JWT costs more than the rest of a simple request's preparation; tokens repeat
// request after request, so verified identities are kept (their expiry is still checked on use).
const maxCached = 1000
const verified = new Map<string, Identity>()

function expired(claims: Claims): boolean {
  return typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()
}

async function identityOf(token: string): Promise<Identity> {
  const claims = await verifyJwt(token)
  const identity = { role: claims.role, claims, authenticated: claims.role !== anonRole, claimsJson: JSON.stringify(claims) }
  if (verified.size >= maxCached)
    verified.clear()
  verified.set(token, identity)
  return identity
}

function decodeFailure(token: string, error: JwtError): RestError {
  if (error.expired)
    return unauthorized('PGRST303', 'JWT expired')
  const parts = token.split('.').length
  if (parts !== 3)
    return unauthorized('PGRST301', `Expected 3 parts in JWT; got ${parts}`)
  return unauthorized('PGRST301', error.message.includes('role claim') ? 'Parsing claims failed' : 'JWT cryptographic operation failed')
}

/**
 * The identity of a request from its `Authorization: Bearer` JWT, or from the `apikey` header
 * when there is no Authorization (as Supabase's gateway forwards it). Neither: Supabase's
 * gateway refuses the request.
 */
export async function identify(headers: IncomingHttpHeaders): Promise<Identity> {
  const apikey = typeof headers.apikey === 'string' ? headers.apikey : undefined
  const authorization = headers.authorization
  if (authorization === undefined && apikey === undefined) {
    throw new RestError(401, '', 'No API key found in request', null, 'No `apikey` request header or url param was found.')
  }
  const token = (authorization === undefined ? undefined : bearerToken(authorization)) ?? apikey
  if (!token)
    throw unauthorized('PGRST301', 'Empty JWT is sent in Authorization header')
  try {
    const cached = verified.get(token)
    if (cached && expired(cached.claims))
      throw new JwtError('JWT expired', true)
    return cached ?? await identityOf(token)
  }
  catch (error) {
    if (error instanceof JwtError)
      throw decodeFailure(token, error)
    throw error
  }
}
