// Only the service role may run the escalator. The platform has already verified the JWT
// (verify_jwt = true in config.toml); this decides whether its role may act.

/** The `role` claim of a JWT, without verifying it (the caller must have); null when unreadable. */
export function jwtRole(token: string): string | null {
  const payload = token.split('.')[1]
  if (payload === undefined)
    return null
  try {
    const base64 = payload.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(payload.length / 4) * 4, '=')
    const claims: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64), c => c.charCodeAt(0))))
    const role = (claims as { role?: unknown } | null)?.role
    return typeof role === 'string' ? role : null
  }
  catch {
    return null
  }
}

export type CallerCheck = 'ok' | 'unauthenticated' | 'forbidden'

/**
 * 'ok' for the project's service-role key or any verified JWT whose role is service_role (what
 * pg_cron's job and the local scheduler send); 'unauthenticated' without a bearer token;
 * 'forbidden' for every other caller (anon key, signed-in users).
 */
export function checkCaller(authorization: string | null, serviceRoleKey: string | null): CallerCheck {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (token === undefined)
    return 'unauthenticated'
  if (serviceRoleKey !== null && token === serviceRoleKey)
    return 'ok'
  return jwtRole(token) === 'service_role' ? 'ok' : 'forbidden'
}
