/**
 * Phoenix channel framing as realtime-js speaks it. vsn 1.0.0 sends JSON objects; vsn 2.0.0
 * sends JSON arrays `[join_ref, ref, topic, event, payload]` plus binary frames: kind 3 is a
 * client's broadcast, kind 4 a broadcast delivered to a client.
 */
export type Vsn = '1.0.0' | '2.0.0'

export interface PhoenixMessage {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: Record<string, unknown>
}

/** A user broadcast's body: JSON text or raw bytes, kept as bytes so fan-out never re-encodes it. */
export interface BroadcastBody {
  encoding: 'json' | 'binary'
  bytes: Buffer
}

/** A client broadcast from a kind-3 frame. */
export interface ClientBroadcast {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  body: BroadcastBody
}

const kindUserBroadcastPush = 3
const kindUserBroadcast = 4
const encodingBinary = 0
const encodingJson = 1

export class FrameError extends Error {}

function asRef(value: unknown): string | null {
  return value == null ? null : String(value)
}

function asPayload(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

export function decodeText(text: string, vsn: Vsn): PhoenixMessage {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  }
  catch {
    throw new FrameError('frame is not JSON')
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length !== 5 || typeof parsed[2] !== 'string' || typeof parsed[3] !== 'string')
      throw new FrameError('vsn 2.0.0 frames are [join_ref, ref, topic, event, payload]')
    return { joinRef: asRef(parsed[0]), ref: asRef(parsed[1]), topic: parsed[2], event: parsed[3], payload: asPayload(parsed[4]) }
  }
  const message = parsed as Record<string, unknown> | null
  if (message === null || typeof message !== 'object' || typeof message.topic !== 'string' || typeof message.event !== 'string')
    throw new FrameError('vsn 1.0.0 frames are {join_ref, ref, topic, event, payload}')
  return { joinRef: asRef(message.join_ref), ref: asRef(message.ref), topic: message.topic, event: message.event, payload: asPayload(message.payload) }
}

export function encodeText(message: PhoenixMessage, vsn: Vsn): string {
  if (vsn === '2.0.0')
    return JSON.stringify([message.joinRef, message.ref, message.topic, message.event, message.payload])
  return JSON.stringify({ join_ref: message.joinRef, ref: message.ref, topic: message.topic, event: message.event, payload: message.payload })
}

/**
 * Decodes a kind-3 frame:
 * `[3][joinRefLen][refLen][topicLen][eventLen][metaLen][encoding] joinRef ref topic event meta payload`.
 */
export function decodeClientBroadcast(frame: Buffer): ClientBroadcast {
  if (frame.length < 7 || frame[0] !== kindUserBroadcastPush)
    throw new FrameError(`unsupported binary frame kind ${frame[0]}`)
  const lengths = [frame[1], frame[2], frame[3], frame[4], frame[5]]
  const encoding = frame[6]
  let offset = 7
  const [joinRef, ref, topic, event] = lengths.slice(0, 4).map((length) => {
    const text = frame.toString('utf8', offset, offset + length)
    offset += length
    return text
  })
  offset += lengths[4] // meta (`persist`) only matters for private channels with storage
  if (offset > frame.length)
    throw new FrameError('binary frame is shorter than its header says')
  return {
    joinRef: joinRef === '' ? null : joinRef,
    ref: ref === '' ? null : ref,
    topic,
    event,
    body: { encoding: encoding === encodingBinary ? 'binary' : 'json', bytes: frame.subarray(offset) },
  }
}

/** Encodes a kind-4 frame: `[4][topicLen][eventLen][metaLen][encoding] topic event meta payload`. */
export function encodeUserBroadcast(topic: string, event: string, body: BroadcastBody): Buffer {
  const topicBytes = Buffer.from(topic)
  const eventBytes = Buffer.from(event)
  if (topicBytes.length > 255 || eventBytes.length > 255)
    throw new FrameError('topic and event must be at most 255 bytes')
  const header = Buffer.from([kindUserBroadcast, topicBytes.length, eventBytes.length, 0, body.encoding === 'binary' ? encodingBinary : encodingJson])
  return Buffer.concat([header, topicBytes, eventBytes, body.bytes])
}

/** The JSON a vsn 1.0.0 client gets for a broadcast (binary bodies cannot be expressed there). */
export function broadcastPayload(event: string, body: BroadcastBody): Record<string, unknown> | undefined {
  if (body.encoding === 'binary')
    return undefined
  return { type: 'broadcast', event, payload: JSON.parse(body.bytes.toString('utf8')) }
}
