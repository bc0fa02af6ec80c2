import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withApiKey } from '@/api/rest-client'

// The network edge: the realtime client's socket. Its first construction can be made to fail,
// as loading its code does with no network.
const realtime = vi.hoisted(() => ({
  failNext: false,
  clients: [] as { url: string, options: Record<string, unknown>, joined: string[], left: string[], tokenAtJoin: (string | null)[] }[],
}))
vi.mock('@supabase/realtime-js', () => ({
  RealtimeClient: class {
    joined: string[] = []
    left: string[] = []
    tokenAtJoin: (string | null)[] = []
    accessTokenValue: string | null = null
    constructor(readonly url: string, readonly options: Record<string, unknown>) {
      if (realtime.failNext) {
        realtime.failNext = false
        throw new Error('Failed to fetch dynamically imported module')
      }
      realtime.clients.push(this)
    }

    channel(name: string) {
      const channel = {
        name,
        listeners: [] as string[],
        on: (type: string) => {
          channel.listeners.push(type)
          return channel
        },
        subscribe: (callback: (status: string) => void) => {
          this.joined.push(name)
          this.tokenAtJoin.push(this.accessTokenValue)
          callback('SUBSCRIBED')
          return channel
        },
      }
      return channel
    }

    async removeChannel(channel: { name: string }) {
      this.left.push(channel.name)
    }

    async setAuth(token: string | null = null) {
      this.accessTokenValue = token ?? await (this.options.accessToken as () => Promise<string>)()
    }
  },
}))

describe('the API key and the caller\'s token on every request', () => {
  const sentHeaders = async (token: string | null, init?: RequestInit) => {
    let headers = new Headers()
    await withApiKey('anon-key', async () => token, async (_input, sent) => {
      headers = new Headers(sent?.headers)
      return new Response('[]')
    })('http://api.test/rest/v1/leads', init)
    return headers
  }

  it('sends the signed-in user\'s access token, and the anon key as the token when no one is signed in', async () => {
    const signedIn = await sentHeaders('user-jwt')
    expect(signedIn.get('apikey')).toBe('anon-key')
    expect(signedIn.get('authorization')).toBe('Bearer user-jwt')
    expect((await sentHeaders(null)).get('authorization')).toBe('Bearer anon-key')
  })

  it('keeps the headers the call set itself', async () => {
    const headers = await sentHeaders('user-jwt', { headers: { 'Authorization': 'Bearer other', 'Content-Profile': 'public' } })
    expect(headers.get('authorization')).toBe('Bearer other')
    expect(headers.get('content-profile')).toBe('public')
  })
})

describe('joining a realtime channel', () => {
  beforeEach(() => {
    vi.resetModules()
    realtime.clients.length = 0
    vi.stubEnv('VITE_SUPABASE_URL', 'https://project.example')
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', 'anon-key')
  })
  afterEach(() => vi.unstubAllEnvs())

  const settle = () => new Promise(resolve => setTimeout(resolve, 0))

  it('loads the realtime client on the first join, on the project\'s socket with its key', async () => {
    const { joinChannel } = await import('@/api/supabase')
    expect(realtime.clients).toHaveLength(0)
    const statuses: string[] = []
    const leave = joinChannel('rep-leads:rep-1', channel => channel.on('postgres_changes', { event: '*', schema: 'public', table: 'leads' }, () => {}), status => statuses.push(status))
    await settle()
    const [client] = realtime.clients
    expect(client.url).toBe('wss://project.example/realtime/v1')
    expect(client.options.params).toEqual({ apikey: 'anon-key' })
    expect(client.joined).toEqual(['rep-leads:rep-1'])
    // Signed out here: the anon key is the token; what matters is that the join carries one.
    expect(client.tokenAtJoin).toEqual(['anon-key'])
    expect(statuses).toEqual(['SUBSCRIBED'])
    leave()
    expect(client.left).toEqual(['rep-leads:rep-1'])
  })

  it('does not join a channel left while the client was still loading', async () => {
    const { joinChannel } = await import('@/api/supabase')
    const onStatus = vi.fn()
    joinChannel('manager-board:org-1', channel => channel, onStatus)()
    await settle()
    expect(realtime.clients[0].joined).toEqual([])
    expect(onStatus).not.toHaveBeenCalled()
  })

  it('reports a client that failed to load as a channel error, and tries again by itself', async () => {
    vi.useFakeTimers()
    try {
      const { joinChannel, rejoinAfterMs } = await import('@/api/supabase')
      realtime.failNext = true
      const statuses: string[] = []
      joinChannel('rep-leads:rep-1', channel => channel, status => statuses.push(status))
      await vi.advanceTimersByTimeAsync(0)
      expect(statuses).toEqual(['CHANNEL_ERROR'])
      expect(realtime.clients).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(rejoinAfterMs)
      expect(statuses).toEqual(['CHANNEL_ERROR', 'SUBSCRIBED'])
      expect(realtime.clients[0].joined).toEqual(['rep-leads:rep-1'])
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('stops trying when the channel is left', async () => {
    vi.useFakeTimers()
    try {
      const { joinChannel, rejoinAfterMs } = await import('@/api/supabase')
      realtime.failNext = true
      const leave = joinChannel('rep-leads:rep-1', channel => channel, () => {})
      await vi.advanceTimersByTimeAsync(0)
      leave()
      await vi.advanceTimersByTimeAsync(rejoinAfterMs * 2)
      expect(realtime.clients).toHaveLength(0)
    }
    finally {
      vi.useRealTimers()
    }
  })
})
