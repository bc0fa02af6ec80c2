import { afterEach, describe, expect, it, vi } from 'vitest'
import { stepsWhenIdle, whenIdle } from '@/scheduling/idle'

describe('whenIdle', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('hands the task to requestIdleCallback with a deadline, and can take it back', () => {
    const callbacks = new Map<number, () => void>()
    const request = vi.fn((callback: () => void, _options?: IdleRequestOptions) => {
      callbacks.set(callbacks.size + 1, callback)
      return callbacks.size
    })
    vi.stubGlobal('requestIdleCallback', request)
    vi.stubGlobal('cancelIdleCallback', (id: number) => callbacks.delete(id))
    const task = vi.fn()
    whenIdle(task, 500)
    expect(request).toHaveBeenCalledWith(expect.any(Function), { timeout: 500 })
    expect(task).not.toHaveBeenCalled()
    callbacks.get(1)!()
    expect(task).toHaveBeenCalledTimes(1)

    const cancelled = vi.fn()
    whenIdle(cancelled)()
    expect(callbacks.has(2)).toBe(false)
  })

  it('falls back to a macrotask where there is no requestIdleCallback (Safari)', () => {
    vi.useFakeTimers()
    vi.stubGlobal('requestIdleCallback', undefined)
    const task = vi.fn()
    whenIdle(task)
    expect(task).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(task).toHaveBeenCalledTimes(1)

    const cancelled = vi.fn()
    whenIdle(cancelled)()
    vi.advanceTimersByTime(10)
    expect(cancelled).not.toHaveBeenCalled()
  })
})

describe('stepsWhenIdle', () => {
  afterEach(() => vi.useRealTimers())

  it('runs each step in an idle moment of its own, in order, until cancelled', () => {
    vi.useFakeTimers()
    vi.stubGlobal('requestIdleCallback', undefined)
    const ran: string[] = []
    const cancel = stepsWhenIdle([() => ran.push('a'), () => ran.push('b'), () => ran.push('c')])
    expect(ran).toEqual([])
    vi.advanceTimersByTime(1)
    expect(ran).toEqual(['a'])
    vi.advanceTimersByTime(1)
    expect(ran).toEqual(['a', 'b'])
    cancel()
    vi.advanceTimersByTime(10)
    expect(ran).toEqual(['a', 'b'])
    vi.unstubAllGlobals()
  })
})
