import { afterEach, describe, expect, it, vi } from 'vitest'
import { serverClockOffsetMs, withServerClock } from '@/api/server-clock'

describe('server clock', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('takes the server to have answered halfway through the request', () => {
    // Sent at 1000, received at 1400 (device); the server said 61200: it runs 60 s ahead.
    expect(serverClockOffsetMs(new Date(61_200).toISOString(), 1000, 1400)).toBe(60_000)
    expect(serverClockOffsetMs(new Date(200).toISOString(), 1000, 1400)).toBe(-1000)
  })

  it('times a request and reads its generated_at', async () => {
    vi.useFakeTimers({ now: 10_000 })
    const request = async () => {
      await vi.advanceTimersByTimeAsync(2000)
      return { generated_at: new Date(41_000).toISOString(), ready: 3 }
    }
    const { answer, clockOffsetMs } = await withServerClock(request)
    expect(answer.ready).toBe(3)
    expect(clockOffsetMs).toBe(30_000)
  })
})
