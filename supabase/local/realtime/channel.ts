import { randomUUID } from 'node:crypto'
import type { RealtimeAuth } from './auth.ts'
import type { PresenceDiff } from './presence.ts'
import { broadcastPayload, encodeText, encodeUserBroadcast } from './protocol.ts'
import type { BroadcastBody, PhoenixMessage, Vsn } from './protocol.ts'
import type { ChangeListener, PostgresSubscription } from './subscriptions.ts'
import { topicKey } from './topics.ts'
import type { TopicMember } from './topics.ts'

/** The join's `config`, with realtime-js's defaults. */
export interface ChannelConfig {
  broadcastSelf: boolean
  broadcastAck: boolean
  /** Empty: the server picks a key per join. */
  presenceKey: string
  presenceEnabled: boolean
  isPrivate: boolean
}

function object(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? value as Record<string, unknown> : {}
}

export function readChannelConfig(config: unknown): ChannelConfig {
  const broadcast = object(object(config).broadcast)
  const presence = object(object(config).presence)
  return {
    broadcastSelf: broadcast.self === true,
    broadcastAck: broadcast.ack === true,
    presenceKey: typeof presence.key === 'string' ? presence.key : '',
    presenceEnabled: presence.enabled === true,
    isPrivate: object(config).private === true,
  }
}

/** How a channel writes to its socket. */
export interface ChannelOutput {
  vsn: Vsn
  send: (frame: string | Buffer) => void
}

/** Longest delay setTimeout honours; tokens living longer (API keys) never expire in practice. */
const maxTimerMs = 2 ** 31 - 1

/**
 * One joined topic on one socket. Server pushes carry this join's ref so realtime-js accepts
 * them; fan-out frames (changes, broadcasts, presence diffs) carry none, as Phoenix sends them.
 */
export class Channel implements ChangeListener, TopicMember {
  subscriptions: PostgresSubscription[] = []
  closed = false
  /** The join's presence key, or one the server picks for this join. */
  readonly presenceKey: string
  private expiry: NodeJS.Timeout | undefined

  constructor(
    readonly topic: string,
    readonly joinRef: string | null,
    public auth: RealtimeAuth,
    readonly config: ChannelConfig,
    private readonly output: ChannelOutput,
  ) {
    this.presenceKey = config.presenceKey || randomUUID()
  }

  get subTopic(): string {
    return this.topic.replace(/^realtime:/, '')
  }

  get topicKey(): string {
    return topicKey(this.subTopic, this.config.isPrivate)
  }

  get broadcastSelf(): boolean {
    return this.config.broadcastSelf
  }

  get presenceEnabled(): boolean {
    return this.config.presenceEnabled
  }

  /** Replaces the claims and (re)arms the expiry timer. */
  setAuth(auth: RealtimeAuth, onExpired: () => void): void {
    this.auth = auth
    clearTimeout(this.expiry)
    const remaining = auth.expiresAt - Date.now()
    if (remaining < maxTimerMs)
      this.expiry = setTimeout(onExpired, Math.max(0, remaining))
  }

  push(event: string, payload: Record<string, unknown>, joinRef = this.joinRef): void {
    if (!this.closed)
      this.send({ joinRef, ref: null, topic: this.topic, event, payload })
  }

  send(message: PhoenixMessage): void {
    this.output.send(encodeText(message, this.output.vsn))
  }

  deliverChange(ids: number[], dataJson: string): void {
    if (this.closed)
      return
    // The data is serialized once per change and role; only the envelope is built per channel.
    const topic = JSON.stringify(this.topic)
    const payload = `{"ids":${JSON.stringify(ids)},"data":${dataJson}}`
    this.output.send(this.output.vsn === '2.0.0'
      ? `[null,null,${topic},"postgres_changes",${payload}]`
      : `{"join_ref":null,"ref":null,"topic":${topic},"event":"postgres_changes","payload":${payload}}`)
  }

  deliverBroadcast(event: string, body: BroadcastBody): void {
    if (this.closed)
      return
    if (this.output.vsn === '2.0.0') {
      this.output.send(encodeUserBroadcast(this.topic, event, body))
      return
    }
    const payload = broadcastPayload(event, body)
    if (payload)
      this.push('broadcast', payload, null)
  }

  pushPresenceDiff(diff: PresenceDiff): void {
    this.push('presence_diff', { joins: diff.joins, leaves: diff.leaves }, null)
  }

  close(): void {
    this.closed = true
    clearTimeout(this.expiry)
  }
}
