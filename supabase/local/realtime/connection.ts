import type pg from 'pg'
import type { RawData, WebSocket } from 'ws'
import { log } from '../log.ts'
import { authenticate, isApiKeyLiteral, RealtimeAuthError, roleBypassesRls } from './auth.ts'
import type { RealtimeAuth } from './auth.ts'
import { Channel, readChannelConfig } from './channel.ts'
import { decodeClientBroadcast, decodeText, encodeText, FrameError } from './protocol.ts'
import type { BroadcastBody, PhoenixMessage, Vsn } from './protocol.ts'
import { prepareSubscriptions, SubscriptionError } from './subscriptions.ts'
import type { SubscriptionRegistry } from './subscriptions.ts'
import type { TopicHub } from './topics.ts'

/** What every socket shares. */
export interface RealtimeDeps {
  pool: pg.Pool
  registry: SubscriptionRegistry
  hub: TopicHub
  /** Resolves once the WAL stream is live, so a SUBSCRIBED client misses no later commit. */
  walReady: () => Promise<void>
}

const walReadyTimeoutMs = 10_000

class JoinError extends Error {}

async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JoinError(message)), ms)
    })])
  }
  finally {
    clearTimeout(timer)
  }
}

/**
 * One realtime-js socket: the Phoenix protocol (heartbeat, join, leave, access_token) and the
 * channels joined on it. Frames are handled one at a time, in the order they arrived.
 */
export class RealtimeConnection {
  private readonly channels = new Map<string, Channel>()
  private inbox: Promise<void> = Promise.resolve()
  /** When the client last sent anything; realtime-js heartbeats every 25 s. */
  lastSeen = Date.now()

  constructor(
    private readonly socket: WebSocket,
    private readonly vsn: Vsn,
    private readonly socketToken: string,
    private readonly deps: RealtimeDeps,
  ) {}

  receive(data: RawData, isBinary: boolean): void {
    this.lastSeen = Date.now()
    const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
    this.inbox = this.inbox.then(() => this.handleFrame(frame, isBinary)).catch((error: Error) => {
      log.error('realtime', error.stack ?? error.message)
    })
  }

  /** The socket closed: leave every channel. */
  close(): void {
    for (const channel of this.channels.values())
      this.teardown(channel)
  }

  private send(frame: string | Buffer): void {
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.send(frame)
  }

  private reply(message: PhoenixMessage, status: 'ok' | 'error', response: Record<string, unknown>): void {
    this.send(encodeText({ joinRef: message.joinRef, ref: message.ref, topic: message.topic, event: 'phx_reply', payload: { status, response } }, this.vsn))
  }

  private async handleFrame(frame: Buffer, isBinary: boolean): Promise<void> {
    if (isBinary) {
      let broadcast
      try {
        broadcast = decodeClientBroadcast(frame)
      }
      catch (error) {
        log.debug('realtime', `ignored binary frame: ${(error as Error).message}`)
        return
      }
      const message: PhoenixMessage = { joinRef: broadcast.joinRef, ref: broadcast.ref, topic: broadcast.topic, event: 'broadcast', payload: {} }
      this.handleBroadcast(message, broadcast.event, broadcast.body)
      return
    }
    let message: PhoenixMessage
    try {
      message = decodeText(frame.toString('utf8'), this.vsn)
    }
    catch (error) {
      if (error instanceof FrameError) {
        log.debug('realtime', `ignored frame: ${error.message}`)
        return
      }
      throw error
    }
    await this.handleMessage(message)
  }

  private async handleMessage(message: PhoenixMessage): Promise<void> {
    if (message.topic === 'phoenix' && message.event === 'heartbeat') {
      this.reply(message, 'ok', {})
      return
    }
    if (message.event === 'phx_join') {
      await this.join(message)
      return
    }
    const channel = this.channels.get(message.topic)
    if (!channel) {
      this.reply(message, 'error', { reason: 'unmatched topic' })
      return
    }
    switch (message.event) {
      case 'phx_leave':
        this.reply(message, 'ok', {})
        this.teardown(channel)
        channel.send({ joinRef: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: 'phx_close', payload: {} })
        break
      case 'access_token':
        await this.refreshToken(channel, message.payload.access_token)
        break
      case 'broadcast': {
        const payload = message.payload
        const body: BroadcastBody = { encoding: 'json', bytes: Buffer.from(JSON.stringify(payload.payload ?? {})) }
        this.handleBroadcast(message, String(payload.event ?? ''), body)
        break
      }
      case 'presence':
        this.handlePresence(channel, message)
        break
      default:
        log.debug('realtime', `ignored event ${message.event} on ${message.topic}`)
    }
  }

  private async join(message: PhoenixMessage): Promise<void> {
    const { topic, payload } = message
    if (!topic.startsWith('realtime:')) {
      this.reply(message, 'error', { reason: 'unmatched topic' })
      return
    }
    const subTopic = topic.slice('realtime:'.length)
    if (subTopic === '') {
      this.reply(message, 'error', { reason: 'TopicNameRequired: You must provide a topic name' })
      return
    }
    // Phoenix closes the old channel when a topic is joined again (a rejoin after an error).
    const existing = this.channels.get(topic)
    if (existing)
      this.teardown(existing)

    const config = readChannelConfig(payload.config)
    const token = typeof payload.access_token === 'string' && !isApiKeyLiteral(payload.access_token) ? payload.access_token : this.socketToken
    let channel: Channel | undefined
    let echoed: Record<string, unknown>[] = []
    try {
      const auth = await authenticate(token)
      channel = new Channel(topic, message.joinRef, auth, config, { vsn: this.vsn, send: frame => this.send(frame) })
      const changes = (payload.config as Record<string, unknown> | undefined)?.postgres_changes
      const hasChanges = Array.isArray(changes) && changes.length > 0
      if (hasChanges || config.isPrivate) {
        const bypass = await roleBypassesRls(this.deps.pool, auth.role)
        if (bypass === undefined)
          throw new JoinError(`Unauthorized: role ${auth.role} does not exist`)
        // Private channels are authorized by RLS on realtime.messages, which this stack does not model.
        if (config.isPrivate && !bypass)
          throw new JoinError(`Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`)
      }
      const { subscriptions, reply } = await prepareSubscriptions(this.deps.pool, channel, changes)
      echoed = reply
      if (subscriptions.length > 0)
        await within(this.deps.walReady(), walReadyTimeoutMs, 'PostgresChangesSubscribeTimeout: the replication stream is not ready')
      channel.subscriptions = subscriptions
      const joined = channel
      channel.setAuth(auth, () => this.expire(joined))
    }
    catch (error) {
      channel?.close()
      if (error instanceof RealtimeAuthError) {
        this.reply(message, 'error', { reason: `InvalidJWTToken: ${error.message}` })
        return
      }
      if (error instanceof JoinError) {
        this.reply(message, 'error', { reason: error.message })
        return
      }
      if (error instanceof SubscriptionError) {
        this.reply(message, 'error', { reason: `Unable to subscribe to changes with given parameters: ${error.message}` })
        return
      }
      // Answer anyway, or the client would wait for its join timeout and retry blindly.
      log.error('realtime', `join of ${topic} failed: ${(error as Error).stack ?? error}`)
      this.reply(message, 'error', { reason: `UnknownErrorOnChannel: ${(error as Error).message}` })
      return
    }

    this.channels.set(topic, channel)
    this.deps.registry.add(channel.subscriptions)
    this.deps.hub.join(channel)
    this.reply(message, 'ok', { postgres_changes: echoed })
    if (channel.subscriptions.length > 0)
      channel.push('system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: subTopic })
    if (config.presenceEnabled)
      channel.push('presence_state', this.deps.hub.presenceState(channel))
  }

  private async refreshToken(channel: Channel, token: unknown): Promise<void> {
    if (typeof token !== 'string' || isApiKeyLiteral(token) || token === channel.auth.token)
      return
    let auth: RealtimeAuth
    try {
      auth = await authenticate(token)
    }
    catch (error) {
      if (!(error instanceof RealtimeAuthError))
        throw error
      this.fail(channel, error.message)
      return
    }
    if (channel.config.isPrivate && !(await roleBypassesRls(this.deps.pool, auth.role))) {
      this.fail(channel, `You do not have permissions to read from this Channel topic: ${channel.subTopic}`)
      return
    }
    channel.setAuth(auth, () => this.expire(channel))
  }

  private expire(channel: Channel): void {
    this.fail(channel, 'Token has expired')
  }

  /** As Supabase does on a bad or expired token: a system error, then the channel is closed. */
  private fail(channel: Channel, reason: string): void {
    channel.push('system', { extension: 'system', status: 'error', message: reason, channel: channel.subTopic })
    this.teardown(channel)
    channel.send({ joinRef: channel.joinRef, ref: channel.joinRef, topic: channel.topic, event: 'phx_close', payload: {} })
  }

  private handleBroadcast(message: PhoenixMessage, event: string, body: BroadcastBody): void {
    const channel = this.channels.get(message.topic)
    if (!channel) {
      this.reply(message, 'error', { reason: 'unmatched topic' })
      return
    }
    if (body.encoding === 'json') {
      try {
        JSON.parse(body.bytes.toString('utf8'))
      }
      catch {
        log.debug('realtime', `ignored broadcast with invalid JSON on ${message.topic}`)
        return
      }
    }
    this.deps.hub.broadcast(channel.topicKey, event, body, channel)
    if (channel.config.broadcastAck && message.ref)
      this.reply(message, 'ok', {})
  }

  private handlePresence(channel: Channel, message: PhoenixMessage): void {
    const { event, payload } = message.payload as { event?: string, payload?: unknown }
    if (event === 'track') {
      const meta = payload !== null && typeof payload === 'object' ? payload as Record<string, unknown> : {}
      this.deps.hub.track(channel, channel.presenceKey, meta)
    }
    else if (event === 'untrack') {
      this.deps.hub.untrack(channel)
    }
    else {
      this.reply(message, 'error', { reason: `unknown presence event ${String(event)}` })
      return
    }
    this.reply(message, 'ok', {})
  }

  private teardown(channel: Channel): void {
    channel.close()
    this.deps.registry.remove(channel.subscriptions)
    this.deps.hub.leave(channel)
    if (this.channels.get(channel.topic) === channel)
      this.channels.delete(channel.topic)
  }
}
