// Reads a lead post: JSON or an HTML form's fields, at most 64 KB, decided by Content-Type.
import { IngestError } from './answers.ts'

export const MAX_BODY_BYTES = 64 * 1024

export type LeadBody =
  | { kind: 'json', value: unknown, bytes: Uint8Array<ArrayBuffer> }
  | { kind: 'form', value: URLSearchParams, bytes: Uint8Array<ArrayBuffer> }

/** The media type without parameters, lower case: "application/json". */
export function mediaTypeOf(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

function bodyKind(mediaType: string): LeadBody['kind'] | null {
  if (mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType))
    return 'json'
  if (mediaType === 'application/x-www-form-urlencoded')
    return 'form'
  return null
}

// A client still sending when we answer sees its connection reset instead of our 413: bodies up
// to this size are read to the end (and dropped) first; larger ones are cut off.
const MAX_DRAINED_BYTES = 1024 * 1024

const tooLarge = () => new IngestError(413, 'payload_too_large', `The body must be at most ${MAX_BODY_BYTES / 1024} KB`)

/** The body's bytes; 413 past the limit, keeping at most the limit in memory. */
async function readLimited(request: Request): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get('content-length'))
  if (request.body === null)
    return new Uint8Array()
  const reader = request.body.getReader()
  if (Number.isFinite(declared) && declared > MAX_DRAINED_BYTES) {
    await reader.cancel().catch(() => {})
    throw tooLarge()
  }
  const chunks: Uint8Array<ArrayBuffer>[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done)
      break
    size += value.byteLength
    if (size > MAX_DRAINED_BYTES) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    if (size <= MAX_BODY_BYTES)
      chunks.push(value)
  }
  if (size > MAX_BODY_BYTES)
    throw tooLarge()
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Parses the post; 415 for other content types, 413 over 64 KB, 400 for a body that is not JSON. */
export async function readLeadBody(request: Request): Promise<LeadBody> {
  const mediaType = mediaTypeOf(request)
  const kind = bodyKind(mediaType)
  if (kind === null) {
    throw new IngestError(415, 'unsupported_media_type',
      `Send the lead as application/json or application/x-www-form-urlencoded${mediaType ? `, not ${mediaType.slice(0, 100)}` : ''}`)
  }
  const bytes = await readLimited(request)
  if (kind === 'form')
    return { kind, value: new URLSearchParams(new TextDecoder().decode(bytes)), bytes }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  }
  catch {
    throw new IngestError(400, 'invalid_json', 'The body is not valid UTF-8')
  }
  try {
    return { kind, value: JSON.parse(text) as unknown, bytes }
  }
  catch (error) {
    throw new IngestError(400, 'invalid_json', `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}`)
  }
}
