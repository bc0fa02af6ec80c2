import { jwtVerify, SignJWT } from 'jose'
import type { JWTPayload } from 'jose'
import { jwtSecret } from './config.ts'

const key = new TextEncoder().encode(jwtSecret)

/** JWT claims as Supabase issues them; `role` decides the database role of a request. */
export interface Claims extends JWTPayload {
  role: string
  email?: string
  session_id?: string
  app_metadata?: Record<string, unknown>
  user_metadata?: Record<string, unknown>
}

export class JwtError extends Error {
  constructor(message: string, readonly expired = false) {
    super(message)
  }
}

/** Verifies an HS256 JWT signed with the stack's secret; throws JwtError (expired or invalid). */
export async function verifyJwt(token: string): Promise<Claims> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] })
    if (typeof payload.role !== 'string')
      throw new JwtError('JWT has no role claim')
    return payload as Claims
  }
  catch (error) {
    if (error instanceof JwtError)
      throw error
    const code = (error as { code?: string }).code
    if (code === 'ERR_JWT_EXPIRED')
      throw new JwtError('JWT expired', true)
    throw new JwtError(`invalid JWT: ${(error as Error).message}`)
  }
}

export async function signJwt(claims: Claims, expiresInSeconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(key)
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  return match?.[1]
}
