import { describe, expect, it } from 'vitest'
import { formatWhen } from '@/format/time'

describe('formatWhen', () => {
  const at = new Date(2026, 10, 24, 14, 30)
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })

  it('gives the time of day alone for today', () => {
    expect(formatWhen(at.toISOString(), new Date(2026, 10, 24, 9, 0).getTime())).toBe(time)
  })

  it('adds the day for another day, the same from one call to the next', () => {
    const day = at.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })
    const now = new Date(2026, 10, 26, 9, 0).getTime()
    expect(formatWhen(at.toISOString(), now)).toBe(`${day} ${time}`)
    expect(formatWhen(at.toISOString(), now)).toBe(`${day} ${time}`)
    expect(formatWhen(at.toISOString(), at.getTime())).toBe(time)
  })
})
