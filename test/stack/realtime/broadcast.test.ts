import type { SupabaseClient } from '@supabase/supabase-js'
import { afterEach, describe, expect, it } from 'vitest'
import { Inbox, realtimeClient, settle, subscribed, userToken } from './helpers.ts'

interface BroadcastMessage {
  type: string
  event: string
  payload: unknown
}

const clients: SupabaseClient[] = []

async function client(token?: string): Promise<SupabaseClient> {
  const created = await realtimeClient(token)
  clients.push(created)
  return created
}

afterEach(async () => {
  for (const created of clients.splice(0))
    await created.removeAllChannels()
})

describe('broadcast', () => {
  it('passes messages between two clients, not back to the sender unless it asks', async () => {
    const alice = new Inbox<BroadcastMessage>()
    const bob = new Inbox<BroadcastMessage>()
    const aliceChannel = await subscribed((await client()).channel('bc-room').on('broadcast', { event: 'cursor' }, alice.push))
    const bobChannel = await subscribed((await client(await userToken())).channel('bc-room').on('broadcast', { event: '*' }, bob.push))

    expect(await aliceChannel.send({ type: 'broadcast', event: 'cursor', payload: { x: 1, label: 'héllo ✓' } })).toBe('ok')
    expect(await bobChannel.send({ type: 'broadcast', event: 'cursor', payload: { x: 2 } })).toBe('ok')

    expect(await bob.waitFor(1)).toEqual([{ type: 'broadcast', event: 'cursor', payload: { x: 1, label: 'héllo ✓' } }])
    expect(await alice.waitFor(1)).toEqual([{ type: 'broadcast', event: 'cursor', payload: { x: 2 } }])
    await settle()
    expect(alice.items).toHaveLength(1)
    expect(bob.items).toHaveLength(1)
  })

  it('echoes to the sender with self and acknowledges with ack', async () => {
    const inbox = new Inbox<BroadcastMessage>()
    const channel = await subscribed((await client()).channel('bc-self', { config: { broadcast: { self: true, ack: true } } })
      .on('broadcast', { event: 'note' }, inbox.push))
    // Without the server's ack reply, send() would resolve 'timed out'.
    expect(await channel.send({ type: 'broadcast', event: 'note', payload: { text: 'to myself' } })).toBe('ok')
    expect(await inbox.waitFor(1)).toEqual([{ type: 'broadcast', event: 'note', payload: { text: 'to myself' } }])
  })

  it('carries binary payloads', async () => {
    const inbox = new Inbox<BroadcastMessage>()
    await subscribed((await client()).channel('bc-binary').on('broadcast', { event: 'blob' }, inbox.push))
    const sender = await subscribed((await client()).channel('bc-binary'))
    const bytes = new Uint8Array([0, 1, 2, 250, 255])
    await sender.send({ type: 'broadcast', event: 'blob', payload: bytes.buffer })
    const [message] = await inbox.waitFor(1)
    expect(message.payload).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(message.payload as ArrayBuffer)]).toEqual([...bytes])
  })

  it('delivers messages sent over the HTTP API', async () => {
    const inbox = new Inbox<BroadcastMessage>()
    const realtime = await client()
    await subscribed(realtime.channel('bc-http').on('broadcast', { event: 'ping' }, inbox.push))
    const sender = (await client()).channel('bc-http')
    expect(await sender.httpSend('ping', { via: 'httpSend' })).toEqual({ success: true })
    // send() on a channel that never joined falls back to POST /api/broadcast.
    expect(await sender.send({ type: 'broadcast', event: 'ping', payload: { via: 'fallback' } })).toBe('ok')
    const messages = await inbox.waitFor(2)
    expect(messages.map(message => message.payload)).toEqual([{ via: 'httpSend' }, { via: 'fallback' }])
  })
})

describe('presence', () => {
  it('syncs tracked state and reports joins and leaves', async () => {
    const watcherClient = await client()
    const watcher = watcherClient.channel('pr-room', { config: { presence: { key: 'watcher' } } })
    const joins = new Inbox<{ key: string, newPresences: Array<Record<string, unknown>> }>()
    const leaves = new Inbox<{ key: string }>()
    watcher.on('presence', { event: 'join' }, joins.push).on('presence', { event: 'leave' }, leaves.push)
    await subscribed(watcher)

    const visitor = await subscribed((await client()).channel('pr-room', { config: { presence: { key: 'rep-7' } } }))
    expect(await visitor.track({ status: 'online' })).toBe('ok')
    const [join] = await joins.waitFor(1)
    expect(join.key).toBe('rep-7')
    expect(join.newPresences[0]).toMatchObject({ status: 'online' })
    expect(watcher.presenceState()['rep-7']).toHaveLength(1)

    expect(await visitor.untrack()).toBe('ok')
    expect((await leaves.waitFor(1))[0].key).toBe('rep-7')
    expect(watcher.presenceState()['rep-7']).toBeUndefined()
  })

  it('sends the current state to a client that joins later', async () => {
    const first = await subscribed((await client()).channel('pr-late', { config: { presence: { key: 'first' } } }))
    await first.track({ mood: 'early' })
    const late = (await client()).channel('pr-late', { config: { presence: { key: 'late', enabled: true } } })
    const syncs = new Inbox<void>()
    late.on('presence', { event: 'sync' }, () => syncs.push())
    await subscribed(late)
    await syncs.waitFor(1)
    expect(late.presenceState().first[0]).toMatchObject({ mood: 'early' })
  })
})
