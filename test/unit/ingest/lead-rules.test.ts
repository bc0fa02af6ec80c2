// What the ingest function decides about a lead without the database: its score with the
// source's default tier, its priority when it comes back, its alert and its acknowledgment.
import { describe, expect, it } from 'vitest'
import { normalizeLeadInput } from '../../../supabase/functions/_shared/domain/lead-input.ts'
import type { NormalizedLead } from '../../../supabase/functions/_shared/domain/lead-input.ts'
import { renderAck } from '../../../supabase/functions/ingest-lead/acknowledgment.ts'
import { alertKind } from '../../../supabase/functions/ingest-lead/lead-alert.ts'
import { defaultScoringRules } from '../../../supabase/functions/_shared/domain/scoring.ts'
import { REENGAGEMENT_POINTS, rescoreReengaged, scoredEventDetails, scoreNewLead, scoringRulesOf } from '../../../supabase/functions/ingest-lead/lead-score.ts'

const now = new Date('2026-11-23T15:00:00Z')

function lead(fields: Record<string, unknown>): NormalizedLead {
  const result = normalizeLeadInput(fields, { defaultCountry: 'US' })
  if (!result.ok)
    throw new Error(JSON.stringify(result.fields))
  return result.lead
}

describe('scoreNewLead', () => {
  it('scores fit and intent with reasons that add up, split into fit and intent', () => {
    const scored = scoreNewLead(lead({ email: 'vp@bigco.example', title: 'VP Sales', company_size: '5000', form_type: 'Demo request' }), { channel: 'web_form', defaultTier: null, now })
    expect(scored.tier).toBe('HOT')
    const reasons = scored.explanation.reasons as Array<{ points: number }>
    expect(reasons.reduce((sum, r) => sum + r.points, 0)).toBe(scored.score)
    expect((scored.explanation.fit as number) + (scored.explanation.intent as number)).toBe(scored.score)
    expect(scored.companySize).toBe('5000')
  })

  it('never puts a lead below the source\'s default tier', () => {
    const scored = scoreNewLead(lead({ email: 'student@uni.example', title: 'Student' }), { channel: 'web_form', defaultTier: 'WARM', now })
    expect(scored.score).toBeLessThan(40)
    expect(scored.tier).toBe('WARM')
    expect(scored.explanation.tier_floor).toMatch(/default tier/)
  })
})

describe('scoringRulesOf', () => {
  it('takes the defaults when the organization stored none', () => {
    expect(scoringRulesOf(null)).toEqual({ rules: defaultScoringRules, origin: 'default' })
  })

  it('takes stored rules that validate', () => {
    const stored = { ...defaultScoringRules, tiers: { hot: 80, warm: 30 } }
    expect(scoringRulesOf(stored)).toEqual({ rules: stored, origin: 'organization' })
  })

  it('falls back to the defaults, naming what is wrong, for rules that do not validate', () => {
    for (const stored of [{ tiers: { hot: 80, warm: 30 } }, { ...defaultScoringRules, recency: 'soon' }, [], 'rules']) {
      const inUse = scoringRulesOf(stored)
      expect(inUse.rules).toBe(defaultScoringRules)
      expect(inUse.origin).toBe('default')
      expect(inUse.problem).toMatch(/invalid \(.+\); scored with the defaults/)
    }
  })

  it('scores by the rules in use and says which in the event details', () => {
    const strict = scoringRulesOf({ ...defaultScoringRules, tiers: { hot: 95, warm: 90 } })
    const vp = lead({ email: 'vp@bigco.example', title: 'VP Sales', company_size: '5000', form_type: 'Demo request' })
    const scored = scoreNewLead(vp, { channel: 'web_form', defaultTier: null, now, rules: strict })
    expect(scored.tier).toBe('COLD')
    expect(scoredEventDetails(scored)).toMatchObject({ tier: 'COLD', rules: 'organization' })
    const invalid = scoreNewLead(vp, { channel: 'web_form', defaultTier: null, now, rules: scoringRulesOf({}) })
    expect(scoredEventDetails(invalid)).toMatchObject({ tier: 'HOT', rules: 'default', rules_problem: expect.any(String) })
  })
})

describe('rescoreReengaged', () => {
  const fresh = scoreNewLead(lead({ email: 'x@y.example' }), { channel: 'web_form', defaultTier: null, now })
  it('adds the re-engagement points to the best score so far and never lowers the tier', () => {
    const again = rescoreReengaged({ score: 60, tier: 'HOT', explanation: { reasons: [{ factor: 'title', points: 60, reason: 'x +60' }] } }, fresh, 2)
    expect(again.score).toBe(60 + REENGAGEMENT_POINTS)
    expect(again.tier).toBe('HOT')
    expect(again.explanation).toMatchObject({ reengaged: 2, score: 70 })
    const reasons = again.explanation.reasons as Array<{ points: number, reason: string }>
    expect(reasons.at(-1)?.reason).toMatch(/Came back \(2 times\)/)
    expect(reasons.reduce((sum, r) => sum + r.points, 0)).toBe(70)
  })

  it('stops at 100', () => {
    expect(rescoreReengaged({ score: 97, tier: 'HOT', explanation: {} }, fresh, 1).score).toBe(100)
  })

  it('reads the tier of the new score by the thresholds of the rules in use', () => {
    const lenient = scoringRulesOf({ ...defaultScoringRules, tiers: { hot: 50, warm: 20 } })
    const freshLenient = scoreNewLead(lead({ email: 'x@y.example' }), { channel: 'web_form', defaultTier: null, now, rules: lenient })
    const previous = { score: 45, tier: 'WARM' as const, explanation: {} }
    expect(rescoreReengaged(previous, fresh, 1).tier).toBe('WARM')
    expect(rescoreReengaged(previous, freshLenient, 1).tier).toBe('HOT')
  })
})

describe('alertKind', () => {
  it('alerts HOT always, WARM only for reps who asked, COLD never', () => {
    expect(alertKind('HOT', false)).toBe('hot_lead')
    expect(alertKind('WARM', true)).toBe('warm_lead')
    expect(alertKind('WARM', false)).toBeNull()
    expect(alertKind('COLD', true)).toBeNull()
  })
})

describe('renderAck', () => {
  const context = { firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace', company: 'Engines', email: 'ada@e.example', phone: null, sourceName: 'Web form', orgName: 'Demo Co' }
  it('fills placeholders, tolerating spaces and unknown names', () => {
    expect(renderAck('Hi {{first_name}}, thanks for asking {{ organization }} about {{company}}.{{nope}}', context))
      .toBe('Hi Ada, thanks for asking Demo Co about Engines.')
  })
  it('greets "there" when the lead left no name', () => {
    expect(renderAck('Hi {{first_name}}!', { ...context, firstName: null, fullName: null })).toBe('Hi there!')
    expect(renderAck('Hi {{first_name}}!', { ...context, firstName: null, fullName: 'Grace Hopper' })).toBe('Hi Grace!')
  })
})
