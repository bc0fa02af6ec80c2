import { describe, expect, it } from 'vitest'
import type { LeadRow } from '../../../src/api/types.ts'
import { compareQueueOrder, isReady, readyInOrder } from '../../../src/offline/queue.ts'

const now = Date.parse('2026-11-23T15:00:00Z')
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString()

type Fields = Pick<LeadRow, 'id' | 'status' | 'next_attempt_at' | 'callback_at' | 'tier' | 'score' | 'sla_state' | 'sla_due_at' | 'created_at' | 'reengaged_count'>

function lead(id: string, fields: Partial<Fields>): Fields {
  return {
    id,
    status: 'assigned',
    next_attempt_at: null,
    callback_at: null,
    tier: 'WARM',
    score: 10,
    sla_state: 'none',
    sla_due_at: null,
    created_at: at(-60),
    reengaged_count: 0,
    ...fields,
  }
}

describe('the cached queue follows next_lead()', () => {
  it('orders by tier, score, SLA time left, age, re-engagement (the same cases as the SQL test)', () => {
    const sameAge = at(-30)
    const leads = [
      lead('a', { tier: 'COLD', score: 99 }),
      lead('b', { tier: 'WARM', score: 10, created_at: sameAge }),
      lead('c', { status: 'new', tier: 'HOT', score: 50 }),
      lead('d', { tier: 'HOT', score: 50, sla_state: 'running', sla_due_at: at(10) }),
      lead('e', { tier: 'HOT', score: 50, sla_state: 'breached', sla_due_at: at(-5) }),
      lead('f', { status: 'attempting', tier: 'HOT', score: 80, sla_state: 'met', sla_due_at: at(-50) }),
      lead('g', { tier: 'WARM', score: 10, created_at: at(-90) }),
      lead('h', { tier: 'WARM', score: 10, created_at: sameAge, reengaged_count: 2 }),
      lead('w', { status: 'contacted', tier: 'COLD', score: 0, callback_at: at(-1) }),
      lead('later attempt', { status: 'attempting', tier: 'HOT', score: 100, next_attempt_at: at(30) }),
      lead('later callback', { tier: 'HOT', score: 100, callback_at: at(30) }),
      lead('contacted, nothing due', { status: 'contacted', tier: 'HOT', score: 100 }),
      lead('converted', { status: 'converted', tier: 'HOT', score: 100 }),
    ]
    const ready = readyInOrder(leads.map(entry => ({ lead: entry })), now, new Set())
    expect(ready.map(entry => entry.lead.id)).toEqual(['f', 'e', 'd', 'c', 'g', 'h', 'b', 'a', 'w'])
  })

  it('leaves out leads already handled on this phone', () => {
    const leads = [lead('x', { tier: 'HOT' }), lead('y', { tier: 'WARM' })]
    expect(readyInOrder(leads.map(entry => ({ lead: entry })), now, new Set(['x'])).map(entry => entry.lead.id)).toEqual(['y'])
  })

  it('knows when a lead is ready (private.lead_ready)', () => {
    expect(isReady(lead('1', { status: 'new' }), now)).toBe(true)
    expect(isReady(lead('2', { status: 'attempting', next_attempt_at: at(-1) }), now)).toBe(true)
    expect(isReady(lead('3', { status: 'attempting', next_attempt_at: at(1) }), now)).toBe(false)
    expect(isReady(lead('4', { status: 'assigned', callback_at: at(1) }), now)).toBe(false)
    expect(isReady(lead('5', { status: 'qualified' }), now)).toBe(false)
    expect(isReady(lead('6', { status: 'qualified', next_attempt_at: at(0) }), now)).toBe(true)
    expect(isReady(lead('7', { status: 'nurture' }), now)).toBe(false)
  })

  it('breaks every tie by id, so the order is total', () => {
    const [x, y] = [lead('x', {}), lead('y', {})]
    expect(compareQueueOrder(x, y)).toBeLessThan(0)
    expect(compareQueueOrder(y, x)).toBeGreaterThan(0)
    expect(compareQueueOrder(x, x)).toBe(0)
  })
})
