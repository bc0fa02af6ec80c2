// A member's share of a run's pushes: the most urgent first, the rest held back.
import { describe, expect, it } from 'vitest'
import { MAX_PUSHES_PER_MEMBER, withinMemberShare } from '../../../supabase/functions/sla-escalator/push-delivery.ts'
import type { PlannedPush } from '../../../supabase/functions/sla-escalator/push-plan.ts'

function push(memberId: string, leadId: string, tier: 'HOT' | 'WARM' | 'COLD', score: number): PlannedPush {
  return {
    memberId,
    orgId: 'org',
    kind: 'escalation',
    slaDueAt: null,
    score,
    payload: { kind: 'escalation', leadId, name: leadId, company: null, tier, source: 'Web', waitingSince: '2025-01-06T15:00:00Z', phone: null },
  }
}

describe('withinMemberShare', () => {
  it('keeps every push while members stay within their share, in run order', () => {
    const pushes = [push('a', '1', 'COLD', 10), push('b', '2', 'HOT', 90), push('a', '3', 'HOT', 50)]
    expect(withinMemberShare(pushes)).toEqual(pushes)
  })

  it('sends a member their most urgent leads first: HOT before WARM before COLD, then by score', () => {
    const burst = [
      ...Array.from({ length: MAX_PUSHES_PER_MEMBER }, (_, i) => push('manager', `cold-${i}`, 'COLD', 99)),
      push('manager', 'warm-low', 'WARM', 5),
      push('manager', 'hot-low', 'HOT', 10),
      push('manager', 'hot-high', 'HOT', 95),
      push('rep', 'other', 'COLD', 1),
    ]
    const sent = withinMemberShare(burst)
    const forManager = sent.filter(p => p.memberId === 'manager').map(p => p.payload.leadId)
    expect(forManager).toHaveLength(MAX_PUSHES_PER_MEMBER)
    expect(forManager.slice(-3)).toEqual(['warm-low', 'hot-low', 'hot-high'])
    expect(forManager.filter(id => id!.startsWith('cold'))).toHaveLength(MAX_PUSHES_PER_MEMBER - 3)
    expect(sent.filter(p => p.memberId === 'rep')).toHaveLength(1)
  })
})
