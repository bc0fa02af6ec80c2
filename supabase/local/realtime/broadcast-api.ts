import type { IncomingMessage, ServerResponse } from 'node:http'
import type pg from 'pg'
import { bearerToken } from '../jwt.ts'
import { corsHeaders, readBody, sendJson } from '../http.ts'
import { log } from '../log.ts'
import { authenticate, RealtimeAuthError, roleBypassesRls } from './auth.ts'
import type { BroadcastBody } from './protocol.ts'
import { topicKey } from './topics.ts'
import type { TopicHub } from './topics.ts'

interface ApiMessage {
  topic: string
  event: string
  body: BroadcastBody
  isPrivate: boolean
}

function jsonBody(payload: unknown): BroadcastBody {
  return { encoding: 'json', bytes: Buffer.from(JSON.stringify(payload ?? {})) }
}

/** `POST /api/broadcast` {messages:[…]} (realtime-js's fallback before a channel joins). */
function batchMessages(body: Buffer): ApiMessage[] | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  }
  catch {
    return undefined
  }
  const messages = (parsed as { messages?: unknown } | null)?.messages
  if (!Array.isArray(messages))
    return undefined
  const result: ApiMessage[] = []
  for (const message of messages as Array<Record<string, unknown>>) {
    if (typeof message?.topic !== 'string' || typeof message.event !== 'string')
      return undefined
    result.push({ topic: message.topic, event: message.event, body: jsonBody(message.payload), isPrivate: message.private === true })
  }
  return result
}

/** `POST /api/broadcast/<topic>/events/<event>[?private=true]` (httpSend), JSON or raw bytes. */
function singleMessage(req: IncomingMessage, match: RegExpExecArray, body: Buffer): ApiMessage[] | undefined {
  const isBinary = req.headers['content-type']?.startsWith('application/octet-stream') ?? false
  const isPrivate = new URL(req.url ?? '/', 'http://local').searchParams.get('private') === 'true'
  let payload: BroadcastBody = { encoding: 'binary', bytes: body }
  if (!isBinary) {
    try {
      payload = jsonBody(JSON.parse(body.toString('utf8')))
    }
    catch {
      return undefined
    }
  }
  return [{ topic: decodeURIComponent(match[1]), event: decodeURIComponent(match[2]), body: payload, isPrivate }]
}

/** Realtime's HTTP side: broadcasts sent over REST reach the same topics as socket broadcasts. */
export async function handleBroadcastApi(req: IncomingMessage, res: ServerResponse, path: string, pool: pg.Pool, hub: TopicHub): Promise<void> {
  const cors = corsHeaders(req)
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors)
    res.end()
    return
  }
  const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path)
  if (req.method !== 'POST' || (path !== '/api/broadcast' && !single)) {
    sendJson(res, 404, { error: 'Not found' }, cors)
    return
  }
  const apiKey = req.headers.apikey ?? req.headers['x-api-key']
  const token = bearerToken(req.headers.authorization) ?? (typeof apiKey === 'string' ? apiKey : undefined)
  if (!token) {
    sendJson(res, 401, { error: 'API key is missing' }, cors)
    return
  }
  let role: string
  try {
    role = (await authenticate(token)).role
  }
  catch (error) {
    if (error instanceof RealtimeAuthError) {
      sendJson(res, 401, { error: error.message }, cors)
      return
    }
    throw error
  }
  const body = await readBody(req, 3 * 1024 * 1024)
  const messages = body && (single ? singleMessage(req, single, body) : batchMessages(body))
  if (!messages) {
    sendJson(res, 400, { error: 'Invalid broadcast body' }, cors)
    return
  }
  let mayWritePrivate: boolean | undefined
  for (const message of messages) {
    if (message.isPrivate) {
      // Private topics are guarded by RLS on realtime.messages, not modelled here: only RLS-bypassing roles may write.
      mayWritePrivate ??= (await roleBypassesRls(pool, role)) ?? false
      if (!mayWritePrivate) {
        log.debug('realtime', `dropped a private broadcast to ${message.topic} from role ${role}`)
        continue
      }
    }
    hub.broadcast(topicKey(message.topic, message.isPrivate), message.event, message.body)
  }
  res.writeHead(202, cors)
  res.end()
}
