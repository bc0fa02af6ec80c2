import { describe, expect, inject, it } from 'vitest'
import { measureRealtimeLatency } from '../../bench/realtime-latency.ts'

describe('realtime latency probe (npm run bench)', () => {
  it('measures commit-to-client times through supabase-js', async () => {
    const { p50, p99 } = await measureRealtimeLatency(inject('stack'), 30)
    // Timing targets belong to the benchmark; here the probe itself must work.
    expect(Number.isFinite(p50) && p50 > 0).toBe(true)
    expect(p99).toBeGreaterThanOrEqual(p50)
  })
})
