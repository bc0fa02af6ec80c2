import { describe, expect, it } from 'vitest'
import { ApiError, unwrap } from '@/api/errors'
import { createRestClient } from '@/api/rest-client'
import { timedFetch } from '@/api/timed-fetch'

/** A server that accepts the connection and never answers (one bar of signal, a captive portal). */
const stalled: typeof fetch = (_input, init) => new Promise((_resolve, reject) => {
  init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))
})

describe('timed fetch', () => {
  it('gives up on a request that gets no answer', async () => {
    const started = Date.now()
    await expect(timedFetch(50, stalled)('http://api.test/rest/v1/leads')).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('passes answers that come in time, and still honours the caller\'s own abort', async () => {
    const answer = new Response('ok')
    expect(await timedFetch(1_000, async () => answer)('http://api.test/')).toBe(answer)
    const caller = new AbortController()
    const call = timedFetch(60_000, stalled)('http://api.test/', { signal: caller.signal })
    caller.abort(new Error('left the page'))
    await expect(call).rejects.toThrow('left the page')
  })

  it('makes the REST client report a stalled call as a network failure, which the sync retries', async () => {
    const client = createRestClient('http://api.test', 'anon-key', async () => null, timedFetch(50, stalled))
    const failure = await unwrap(client.rpc('next_lead')).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ApiError)
    expect((failure as ApiError).kind).toBe('network')
  })
})
