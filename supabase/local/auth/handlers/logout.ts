import { authenticateUser } from '../authenticate.ts'
import { validationFailed } from '../errors.ts'
import type { Handler } from '../request.ts'
import type { LogoutScope } from '../sessions.ts'
import { endSessions } from '../sessions.ts'

const scopes: Record<string, LogoutScope> = { '': 'global', 'global': 'global', 'local': 'local', 'others': 'others' }

/** POST /logout?scope=global|local|others: ends sessions, so their access and refresh tokens stop working. */
export const logout: Handler = async ({ req, url, pool }) => {
  const { user, session } = await authenticateUser(pool, req)
  const requested = url.searchParams.get('scope') ?? ''
  const scope = scopes[requested]
  if (!scope)
    throw validationFailed(`Unsupported logout scope "${requested}"`)
  await endSessions(pool, user.id, session?.id, scope)
  return { status: 204 }
}
