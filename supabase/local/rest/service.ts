import type { IncomingMessage, ServerResponse } from 'node:http'
import pg from 'pg'
import { corsHeaders } from '../http.ts'
import type { Service, StackContext } from '../http.ts'
import { log } from '../log.ts'
import { identify } from './auth.ts'
import type { Identity } from './auth.ts'
import { fromDatabaseError, RestError } from './errors.ts'
import { runInTransaction } from './execute.ts'
import { handleCall } from './handlers/call.ts'
import type { HandlerContext } from './handlers/context.ts'
import { handleRead } from './handlers/read.ts'
import { handleDelete, handleInsert, handleUpdate } from './handlers/write.ts'
import { parsePrefer } from './prefer.ts'
import { PreparedStatements } from './prepared.ts'
import { checkProfile, exposedSchema, negotiateOutput, parseTarget, readJsonBody } from './request.ts'
import type { JsonBody, Target } from './request.ts'
import { errorResponse, send } from './response.ts'
import type { RestResponse } from './response.ts'
import { SchemaCache } from './schema/cache.ts'
import type { SchemaSnapshot } from './schema/introspect.ts'

// Codes that may only mean the snapshot predates a DDL change whose notification is still in flight.
const staleSchemaCodes = new Set(['PGRST200', 'PGRST202', 'PGRST204', 'PGRST205'])

const tableMethods = new Set(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'])
const rpcMethods = new Set(['GET', 'HEAD', 'POST'])

/** The role switch PostgreSQL would refuse to the `authenticator`, refused here the same way. */
function checkRole(snapshot: SchemaSnapshot, identity: Identity): void {
  const granted = snapshot.roles.get(identity.role)
  if (granted === undefined)
    throw new RestError(401, '22023', `role "${identity.role}" does not exist`, null, null, { 'www-authenticate': 'Bearer' })
  if (!granted)
    throw new RestError(identity.authenticated ? 403 : 401, '42501', `permission denied to set role "${identity.role}"`)
}

function dispatch(target: Target, method: string, ctx: HandlerContext): Promise<RestResponse> {
  if (target.kind === 'rpc') {
    if (!rpcMethods.has(method))
      throw new RestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`)
    return handleCall(ctx)
  }
  switch (method) {
    case 'GET':
    case 'HEAD':
      return handleRead(ctx)
    case 'POST':
      return handleInsert(ctx)
    case 'PATCH':
      return handleUpdate(ctx)
    case 'DELETE':
      return handleDelete(ctx)
    default:
      throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`)
  }
}

/**
 * `/rest/v1`: PostgREST's API over the `public` schema, as postgrest-js drives it. Each request
 * runs in one transaction as the role of its JWT, with the request's claims and headers set,
 * so RLS and `auth.uid()` behave as on Supabase.
 */
export function createRestService(context: StackContext): Service {
  // Its own small pool: each request sends its whole transaction as one batch (execute.ts). Idle
  // connections are kept 30 s, as PostgREST's db-pool-max-idletime does: a fresh backend must load
  // its catalog caches and compile the RPCs' PL/pgSQL again, which a first request pays for.
  const pool = new pg.Pool({ connectionString: context.dbUrl, max: 8, idleTimeoutMillis: 30_000 })
  pool.on('error', error => log.debug('rest', `idle connection closed: ${error.message}`))
  const cache = new SchemaCache(context.pool, context.dbUrl, exposedSchema)
  const prepared = new PreparedStatements()

  async function respond(req: IncomingMessage, path: string, identity: Identity, startedAt: number): Promise<RestResponse> {
    const method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const queryStart = url.indexOf('?')
    const search = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1))
    const target = parseTarget(path)
    checkProfile(method, req.headers)
    if (target.kind === 'table' && !tableMethods.has(method))
      throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`)
    const prefer = parsePrefer(req.headers.prefer)
    const output = negotiateOutput(req.headers.accept)
    let body: Promise<JsonBody> | undefined
    const readBody = (emptyAs?: string) => body ??= readJsonBody(req, emptyAs)
    const handle = async (snapshot: SchemaSnapshot) => {
      checkRole(snapshot, identity)
      return dispatch(target, method, {
        req,
        method,
        name: target.name,
        search,
        prefer,
        output,
        snapshot,
        body: readBody,
        run: (statement, options) => runInTransaction(pool, prepared, {
          identity,
          roleSettings: snapshot.roleSettings.get(identity.role) ?? [],
          method,
          path,
          headers: req.headers,
        }, statement, { ...options, generation: snapshot.loadedAt }),
      })
    }
    const snapshot = await cache.snapshot()
    try {
      return await handle(snapshot)
    }
    catch (error) {
      // Something the snapshot does not know may be brand new: retry once on a fresher one.
      if (!(error instanceof RestError && staleSchemaCodes.has(error.code)))
        throw error
      const fresher = await cache.fresherThan(startedAt, error.message)
      if (fresher === snapshot)
        throw error
      return handle(fresher)
    }
  }

  return {
    name: 'rest',
    prefix: '/rest/v1',
    async handle(req: IncomingMessage, res: ServerResponse, path: string) {
      const cors = corsHeaders(req)
      if (req.method === 'OPTIONS') {
        res.writeHead(200, { ...cors, 'allow': 'OPTIONS,GET,HEAD,POST,PATCH,DELETE', 'content-length': '0' })
        res.end()
        return
      }
      const startedAt = Date.now()
      let identity: Identity | undefined
      let response: RestResponse
      try {
        identity = await identify(req.headers)
        response = await respond(req, path, identity, startedAt)
      }
      catch (error) {
        response = errorResponse(fromDatabaseError(error, identity?.authenticated ?? false))
      }
      send(res, response, cors, req.method === 'HEAD')
    },
    async close() {
      await cache.close()
      await pool.end()
    },
  }
}
