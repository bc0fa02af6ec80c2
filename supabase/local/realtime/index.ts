import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { Service, StackContext } from '../http.ts'
import { log } from '../log.ts'
import { authenticate, RealtimeAuthError } from './auth.ts'
import { handleBroadcastApi } from './broadcast-api.ts'
import { createChangeFeed } from './change-feed.ts'
import { RealtimeConnection } from './connection.ts'
import type { Vsn } from './protocol.ts'
import { publicationName, SubscriptionRegistry } from './subscriptions.ts'
import { TopicHub } from './topics.ts'
import { startWalReader } from './wal-reader.ts'

const prefix = '/realtime/v1'
const versions = new Set<string>(['1.0.0', '2.0.0'])
/** Like Phoenix's transport timeout: a socket silent this long (no heartbeat) is dropped. */
const idleTimeoutMs = 60_000

/** Refuses a WebSocket handshake the way Supabase Realtime does: an HTTP error with `{"error": …}`. */
function refuse(socket: Duplex, status: number, reason: string, error: string): void {
  const body = JSON.stringify({ error })
  socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
}

/**
 * `/realtime/v1`: the Phoenix socket realtime-js connects to (postgres_changes read from the
 * WAL of publication supabase_realtime, broadcast, presence) and the broadcast HTTP API.
 */
export function createRealtimeService(context: StackContext): Service {
  const registry = new SubscriptionRegistry()
  const hub = new TopicHub()
  const feed = createChangeFeed(context.pool, registry)
  const wal = startWalReader(context.dbUrl, publicationName, (schema, table) => registry.watches(schema, table), tx => feed.accept(tx))
  const deps = { pool: context.pool, registry, hub, walReady: wal.ready }
  const server = new WebSocketServer({ noServer: true, maxPayload: 3 * 1024 * 1024 })
  const connections = new Map<RealtimeConnection, WebSocket>()
  const idleSweep = setInterval(() => {
    for (const [connection, ws] of connections) {
      if (Date.now() - connection.lastSeen > idleTimeoutMs)
        ws.terminate()
    }
  }, idleTimeoutMs / 4)
  idleSweep.unref()

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, vsn: Vsn, token: string) => {
    server.handleUpgrade(req, socket, head, (ws) => {
      const connection = new RealtimeConnection(ws, vsn, token, deps)
      connections.set(connection, ws)
      log.debug('realtime', `socket opened (vsn ${vsn})`)
      ws.on('message', (data, isBinary) => connection.receive(data, isBinary))
      ws.on('error', error => log.debug('realtime', `socket error: ${error.message}`))
      ws.on('close', () => {
        connections.delete(connection)
        connection.close()
      })
    })
  }

  return {
    name: 'realtime',
    prefix,
    handle: (req, res, path) => handleBroadcastApi(req, res, path, context.pool, hub),
    upgrade: (req, socket, head) => {
      socket.on('error', error => log.debug('realtime', `handshake socket error: ${error.message}`))
      const url = new URL(req.url ?? '/', 'http://local')
      if (url.pathname !== `${prefix}/websocket`) {
        refuse(socket, 404, 'Not Found', 'Not found')
        return
      }
      const vsn = url.searchParams.get('vsn') ?? '1.0.0'
      if (!versions.has(vsn)) {
        refuse(socket, 400, 'Bad Request', `Unsupported vsn ${vsn}`)
        return
      }
      const header = req.headers['x-api-key']
      const token = url.searchParams.get('apikey') ?? (typeof header === 'string' ? header : undefined)
      if (!token) {
        refuse(socket, 401, 'Unauthorized', 'API key is missing')
        return
      }
      authenticate(token).then(
        () => accept(req, socket, head, vsn as Vsn, token),
        (error: Error) => {
          if (error instanceof RealtimeAuthError)
            refuse(socket, 401, 'Unauthorized', error.message)
          else
            refuse(socket, 500, 'Internal Server Error', error.message)
        },
      )
    },
    close: async () => {
      // Stop reading first (ending the replication connection drops its temporary slot), let
      // decoded changes finish, then close the sockets.
      clearInterval(idleSweep)
      await wal.close()
      await feed.idle()
      for (const client of server.clients)
        client.terminate()
      for (const connection of connections.keys())
        connection.close()
      connections.clear()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}
