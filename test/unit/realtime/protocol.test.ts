import { describe, expect, it } from 'vitest'
// realtime-js's own serializer (a supabase-js dependency), so the frames are the client's, not our guess of them.
import Serializer from '@supabase/realtime-js/dist/module/lib/serializer.js'
import { decodeClientBroadcast, decodeText, encodeText, encodeUserBroadcast, FrameError } from '../../../supabase/local/realtime/protocol.ts'

const serializer = new Serializer()

function clientEncode(message: Parameters<Serializer['encode']>[0]): ArrayBuffer | string {
  return serializer.encode(message, (encoded: ArrayBuffer | string) => encoded)
}

describe('Phoenix framing', () => {
  it('decodes the kind-3 frames realtime-js sends for broadcasts', () => {
    const frame = clientEncode({ join_ref: '12', ref: '345', topic: 'realtime:sälj', event: 'broadcast', payload: { type: 'broadcast', event: 'nöte', payload: { a: 'ü' } } })
    const decoded = decodeClientBroadcast(Buffer.from(frame as ArrayBuffer))
    expect(decoded).toMatchObject({ joinRef: '12', ref: '345', topic: 'realtime:sälj', event: 'nöte', body: { encoding: 'json' } })
    expect(JSON.parse(decoded.body.bytes.toString('utf8'))).toEqual({ a: 'ü' })

    const binary = clientEncode({ join_ref: '1', ref: '2', topic: 'realtime:r', event: 'broadcast', payload: { type: 'broadcast', event: 'b', payload: new Uint8Array([9, 8, 7]).buffer } })
    expect([...decodeClientBroadcast(Buffer.from(binary as ArrayBuffer)).body.bytes]).toEqual([9, 8, 7])
  })

  it('encodes kind-4 frames realtime-js decodes', () => {
    const frame = encodeUserBroadcast('realtime:sälj', 'nöte', { encoding: 'json', bytes: Buffer.from('{"x":[1,2]}') })
    const arrayBuffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer
    const decoded = serializer.decode(arrayBuffer, (message: unknown) => message)
    expect(decoded).toEqual({ join_ref: null, ref: null, topic: 'realtime:sälj', event: 'broadcast', payload: { type: 'broadcast', event: 'nöte', payload: { x: [1, 2] } } })
  })

  it('reads and writes both text framings', () => {
    const message = { joinRef: '1', ref: null, topic: 't', event: 'e', payload: { a: 1 } }
    expect(decodeText(encodeText(message, '2.0.0'), '2.0.0')).toEqual(message)
    expect(decodeText(encodeText(message, '1.0.0'), '1.0.0')).toEqual(message)
    expect(() => decodeText('{"topic":"t"}', '2.0.0')).toThrow(FrameError)
    expect(() => decodeText('not json', '1.0.0')).toThrow(FrameError)
    expect(() => decodeClientBroadcast(Buffer.from([4, 0, 0]))).toThrow(FrameError)
  })
})
