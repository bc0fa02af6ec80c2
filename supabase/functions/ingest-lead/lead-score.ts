// Scores a lead with the shared scoring rules and shapes the explanation the PWA shows
// ({score, tier, fit, intent, reasons: [{factor, points, reason}]}).
import type { NormalizedLead } from '../_shared/domain/lead-input.ts'
import type { LeadScore, ScoreFactor, Tier } from '../_shared/domain/scoring.ts'
import { defaultScoringRules, scoreLead, scoringInputFromLead } from '../_shared/domain/scoring.ts'

const tierRank: Record<Tier, number> = { COLD: 0, WARM: 1, HOT: 2 }
const fitFactors = new Set<ScoreFactor['factor']>(['title', 'company_size', 'industry', 'region'])

/** Points a lead gets for coming back, on top of its best score so far. */
export const REENGAGEMENT_POINTS = 10

export function higherTier(a: Tier, b: Tier | null): Tier {
  return b !== null && tierRank[b] > tierRank[a] ? b : a
}

function tierOfScore(score: number): Tier {
  const { hot, warm } = defaultScoringRules.tiers
  return score >= hot ? 'HOT' : score >= warm ? 'WARM' : 'COLD'
}

export interface ScoredLead {
  score: number
  tier: Tier
  explanation: Record<string, unknown>
  /** Read from the payload's extra fields by the scoring view; stored in their own columns. */
  industry: string | null
  companySize: string | null
}

function explain(result: LeadScore, tier: Tier, floor: Tier | null): Record<string, unknown> {
  const reasons = result.explanation
  const sum = (fit: boolean) => reasons.filter(r => fitFactors.has(r.factor) === fit && r.factor !== 'bounds').reduce((total, r) => total + r.points, 0)
  return {
    score: result.score,
    tier,
    fit: sum(true),
    intent: sum(false),
    reasons,
    ...(floor !== null && tier === floor && tierRank[floor] > tierRank[result.tier] ? { tier_floor: `${floor} is the source's default tier` } : {}),
  }
}

/** The score of a new lead from `channel` at `now`; the source's default tier is a floor. */
export function scoreNewLead(lead: NormalizedLead, context: { channel: string, defaultTier: Tier | null, now: Date }): ScoredLead {
  const input = scoringInputFromLead(lead, { channel: context.channel, receivedAt: context.now })
  const result = scoreLead(input, { now: context.now })
  const tier = higherTier(result.tier, context.defaultTier)
  return {
    score: result.score,
    tier,
    explanation: explain(result, tier, context.defaultTier),
    industry: input.industry ?? null,
    companySize: input.companySize == null ? null : String(input.companySize).slice(0, 100),
  }
}

/**
 * A lead that came back: its best score (before, or now with the fields it filled) plus the
 * re-engagement points; its tier never drops.
 */
export function rescoreReengaged(
  previous: { score: number, tier: Tier, explanation: Record<string, unknown> },
  fresh: ScoredLead,
  reengagedCount: number,
): { score: number, tier: Tier, explanation: Record<string, unknown> } {
  const base = fresh.score > previous.score ? fresh : previous
  const score = Math.min(100, base.score + REENGAGEMENT_POINTS)
  const bonus: ScoreFactor = {
    factor: 'recency',
    points: score - base.score,
    reason: `Came back (${reengagedCount} ${reengagedCount === 1 ? 'time' : 'times'}) +${score - base.score}`,
  }
  const tier = higherTier(higherTier(previous.tier, fresh.tier), tierOfScore(score))
  const reasons = Array.isArray(base.explanation.reasons) ? base.explanation.reasons as ScoreFactor[] : []
  return {
    score,
    tier,
    explanation: { ...base.explanation, score, tier, reasons: [...reasons, bonus], reengaged: reengagedCount },
  }
}
