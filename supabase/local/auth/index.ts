import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Service, StackContext } from '../http.ts'
import { corsHeaders, sendJson } from '../http.ts'
import { log } from '../log.ts'
import { AuthError, OAuthError, sendAuthError } from './errors.ts'
import { admin } from './handlers/admin.ts'
import { logout } from './handlers/logout.ts'
import { health, jwks, settingsInfo } from './handlers/meta.ts'
import { signup } from './handlers/signup.ts'
import { token } from './handlers/token.ts'
import { getUser, updateUserSelf } from './handlers/user.ts'
import type { AuthRequest, Handler } from './request.ts'
import type { AuthSettings } from './settings.ts'
import { loadAuthSettings } from './settings.ts'

interface Route {
  pattern: RegExp
  methods: Partial<Record<string, Handler>>
}

/** The endpoints auth-js calls, as GoTrue routes them; `(?<id>…)` captures a path parameter. */
const routes: Route[] = [
  { pattern: /^\/health$/, methods: { GET: health } },
  { pattern: /^\/settings$/, methods: { GET: settingsInfo } },
  { pattern: /^\/\.well-known\/jwks\.json$/, methods: { GET: jwks } },
  { pattern: /^\/signup$/, methods: { POST: signup } },
  { pattern: /^\/token$/, methods: { POST: token } },
  { pattern: /^\/user$/, methods: { GET: getUser, PUT: updateUserSelf } },
  { pattern: /^\/logout$/, methods: { POST: logout } },
  { pattern: /^\/admin\/users$/, methods: { GET: admin.listUsers, POST: admin.createUser } },
  { pattern: /^\/admin\/users\/(?<id>[^/]+)$/, methods: { GET: admin.getUser, PUT: admin.updateUser, DELETE: admin.deleteUser } },
]

/** GoTrue endpoints this stand-in leaves out, named so a caller learns why rather than just "not found". */
const unavailable = /^\/(recover|otp|verify|magiclink|resend|invite|reauthenticate|authorize|callback|factors|sso|passkeys|admin\/generate_link|user\/identities)(\/|$)/

function resolve(method: string, path: string): { handler: Handler, params: Record<string, string> } {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path
  for (const route of routes) {
    const match = route.pattern.exec(normalized)
    if (!match)
      continue
    const handler = route.methods[method]
    if (!handler)
      throw new AuthError(405, 'method_not_allowed', `Method ${method} not allowed on ${normalized}`)
    return { handler, params: { ...match.groups } }
  }
  if (unavailable.test(normalized))
    throw new AuthError(404, 'not_found', `${normalized} is not available on the local stack (no email, SMS, OAuth, SSO or MFA)`)
  throw new AuthError(404, 'not_found', `No auth endpoint at ${normalized}`)
}

/** The gateway's CORS answer, plus the headers GoTrue itself exposes (admin pagination and the API version). */
function authCors(req: IncomingMessage): Record<string, string> {
  const headers = corsHeaders(req)
  const exposed = headers['access-control-expose-headers']
  if (exposed)
    headers['access-control-expose-headers'] = `${exposed}, x-total-count, link`
  return headers
}

/**
 * `/auth/v1`: a stand-in for GoTrue that speaks its wire protocol as auth-js 2.x uses it (sign-up,
 * password and refresh-token grants, user, logout, admin users), storing everything in GoTrue's own
 * auth schema tables so SQL, RLS and seeds see the same users.
 */
export function createAuthService(context: StackContext, settings: AuthSettings = loadAuthSettings()): Service {
  const issuer = `${context.apiUrl}/auth/v1`

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const cors = authCors(req)
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors)
      res.end()
      return
    }
    try {
      const url = new URL(req.url ?? '/', context.apiUrl)
      const { handler, params } = resolve(req.method ?? 'GET', path)
      const request: AuthRequest = { req, url, params, pool: context.pool, settings, issuer }
      const reply = await handler(request)
      if (reply.body === undefined) {
        res.writeHead(reply.status, { ...cors, ...reply.headers })
        res.end()
      }
      else {
        sendJson(res, reply.status, reply.body, { ...cors, ...reply.headers })
      }
    }
    catch (error) {
      if (error instanceof AuthError || error instanceof OAuthError) {
        sendAuthError(req, res, error, cors)
        return
      }
      log.error('auth', (error as Error).stack ?? String(error))
      sendAuthError(req, res, new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'), cors)
    }
  }

  return { name: 'auth', prefix: '/auth/v1', handle }
}
