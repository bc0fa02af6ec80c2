import { describe, expect, it, vi } from 'vitest'
import { callRequested, withoutCallFlag } from '@/composables/useCallOnArrival'

// The store reaches the app's Supabase client; only the plain functions are tested here.
vi.mock('@/stores/queue', () => ({ useQueueStore: vi.fn() }))

describe('the ?call=1 flag of a notification\'s Call action', () => {
  it('is read only when it says 1', () => {
    expect(callRequested({ call: '1' })).toBe(true)
    expect(callRequested({ call: '0' })).toBe(false)
    expect(callRequested({})).toBe(false)
  })

  it('is dropped from the query, keeping the rest', () => {
    expect(withoutCallFlag({ call: '1', from: 'push' })).toEqual({ from: 'push' })
  })
})
