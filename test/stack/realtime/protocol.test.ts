import { afterEach, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { Inbox, userToken } from './helpers.ts'

type Frame = unknown[] | Record<string, unknown>

const sockets: WebSocket[] = []

function socketUrl(params: Record<string, string>): string {
  const url = new URL('/realtime/v1/websocket', inject('stack').apiUrl.replace(/^http/, 'ws'))
  for (const [name, value] of Object.entries(params))
    url.searchParams.set(name, value)
  return url.href
}

/** A raw Phoenix socket, for what supabase-js never shows: frames, refs, handshake errors. */
async function open(vsn = '2.0.0'): Promise<{ socket: WebSocket, frames: Inbox<Frame> }> {
  const socket = new WebSocket(socketUrl({ apikey: inject('stack').anonKey, vsn }))
  sockets.push(socket)
  const frames = new Inbox<Frame>()
  socket.on('message', (data, isBinary) => {
    if (!isBinary)
      frames.push(JSON.parse(String(data)) as Frame)
  })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  return { socket, frames }
}

afterEach(() => {
  for (const socket of sockets.splice(0))
    socket.terminate()
})

describe('realtime wire protocol', () => {
  it('refuses a handshake without a valid API key, with Supabase\'s HTTP errors', async () => {
    const status = (url: string) => new Promise<{ code: number, body: string }>((resolve) => {
      const socket = new WebSocket(url)
      socket.on('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => body += chunk)
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }))
      })
      socket.on('error', () => {})
    })
    expect(await status(socketUrl({ vsn: '2.0.0' }))).toEqual({ code: 401, body: '{"error":"API key is missing"}' })
    expect(await status(socketUrl({ vsn: '2.0.0', apikey: 'not-a-jwt' }))).toEqual({ code: 401, body: '{"error":"The token provided is not a valid JWT"}' })
  })

  it('answers heartbeats with the same ref and unknown topics with an error', async () => {
    const { socket, frames } = await open()
    socket.send(JSON.stringify([null, '7', 'phoenix', 'heartbeat', {}]))
    socket.send(JSON.stringify(['1', '8', 'realtime:never-joined', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]))
    expect(await frames.waitFor(2)).toEqual([
      [null, '7', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
      ['1', '8', 'realtime:never-joined', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
    ])
  })

  it('echoes postgres_changes in order with ids, confirms the subscription, and closes on leave', async () => {
    const { socket, frames } = await open()
    const changes = [
      { event: '*', schema: 'public', table: '*' },
      { event: 'INSERT', schema: 'auth', table: 'users', filter: 'email=eq.someone@example.com' },
    ]
    socket.send(JSON.stringify(['3', '3', 'realtime:proto', 'phx_join', { config: { broadcast: { self: false, ack: false }, presence: { key: '', enabled: false }, postgres_changes: changes, private: false } }]))
    const [reply, system] = await frames.waitFor(2)
    expect(reply).toMatchObject(['3', '3', 'realtime:proto', 'phx_reply', { status: 'ok' }])
    const echoed = ((reply as unknown[])[4] as { response: { postgres_changes: Array<Record<string, unknown>> } }).response.postgres_changes
    expect(echoed.map(({ id: _id, ...entry }) => entry)).toEqual(changes)
    expect(echoed.every(entry => typeof entry.id === 'number')).toBe(true)
    expect(new Set(echoed.map(entry => entry.id)).size).toBe(2)
    expect(system).toEqual(['3', null, 'realtime:proto', 'system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'proto' }])

    socket.send(JSON.stringify(['3', '4', 'realtime:proto', 'phx_leave', {}]))
    expect((await frames.waitFor(4)).slice(2)).toEqual([
      ['3', '4', 'realtime:proto', 'phx_reply', { status: 'ok', response: {} }],
      ['3', '3', 'realtime:proto', 'phx_close', {}],
    ])
  })

  it('speaks vsn 1.0.0 JSON objects too', async () => {
    const { socket, frames } = await open('1.0.0')
    socket.send(JSON.stringify({ join_ref: '1', ref: '1', topic: 'realtime:v1-room', event: 'phx_join', payload: { config: { broadcast: { self: true } } } }))
    socket.send(JSON.stringify({ join_ref: '1', ref: '2', topic: 'realtime:v1-room', event: 'broadcast', payload: { type: 'broadcast', event: 'hi', payload: { n: 1 } } }))
    expect(await frames.waitFor(2)).toEqual([
      { join_ref: '1', ref: '1', topic: 'realtime:v1-room', event: 'phx_reply', payload: { status: 'ok', response: { postgres_changes: [] } } },
      { join_ref: null, ref: null, topic: 'realtime:v1-room', event: 'broadcast', payload: { type: 'broadcast', event: 'hi', payload: { n: 1 } } },
    ])
  })

  it('requires a topic name and refuses private channels it cannot authorize', async () => {
    const { socket, frames } = await open()
    socket.send(JSON.stringify(['1', '1', 'realtime:', 'phx_join', { config: {} }]))
    socket.send(JSON.stringify(['2', '2', 'realtime:secret-room', 'phx_join', { config: { private: true } }]))
    expect(await frames.waitFor(2)).toEqual([
      ['1', '1', 'realtime:', 'phx_reply', { status: 'error', response: { reason: 'TopicNameRequired: You must provide a topic name' } }],
      ['2', '2', 'realtime:secret-room', 'phx_reply', { status: 'error', response: { reason: 'Unauthorized: You do not have permissions to read from this Channel topic: secret-room' } }],
    ])
  })

  it('closes a channel whose access_token is replaced by a bad one, or whose token expires', async () => {
    const { socket, frames } = await open()
    socket.send(JSON.stringify(['1', '1', 'realtime:refresh', 'phx_join', { config: {}, access_token: await userToken() }]))
    socket.send(JSON.stringify(['2', '2', 'realtime:expiring', 'phx_join', { config: {}, access_token: await userToken(undefined, 2) }]))
    await frames.waitFor(2)
    socket.send(JSON.stringify(['1', '3', 'realtime:refresh', 'access_token', { access_token: 'not-a-jwt' }]))
    expect((await frames.waitFor(4)).slice(2)).toEqual([
      ['1', null, 'realtime:refresh', 'system', { extension: 'system', status: 'error', message: 'The token provided is not a valid JWT', channel: 'refresh' }],
      ['1', '1', 'realtime:refresh', 'phx_close', {}],
    ])
    expect((await frames.waitFor(6, 4000)).slice(4)).toEqual([
      ['2', null, 'realtime:expiring', 'system', { extension: 'system', status: 'error', message: 'Token has expired', channel: 'expiring' }],
      ['2', '2', 'realtime:expiring', 'phx_close', {}],
    ])
  })
})
