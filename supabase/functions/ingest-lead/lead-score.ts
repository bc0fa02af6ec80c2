// Scores a lead with the shared scoring rules and shapes the explanation the PWA shows
// ({score, tier, fit, intent, reasons: [{factor, points, reason}]}).
import type { NormalizedLead } from '../_shared/domain/lead-input.ts'
import type { LeadScore, ScoreFactor, ScoringRules, Tier } from '../_shared/domain/scoring.ts'
import { defaultScoringRules, scoreLead, scoringInputFromLead, scoringRulesSchema } from '../_shared/domain/scoring.ts'

const tierRank: Record<Tier, number> = { COLD: 0, WARM: 1, HOT: 2 }
const fitFactors = new Set<ScoreFactor['factor']>(['title', 'company_size', 'industry', 'region'])

/** Points a lead gets for coming back, on top of its best score so far. */
export const REENGAGEMENT_POINTS = 10

export function higherTier(a: Tier, b: Tier | null): Tier {
  return b !== null && tierRank[b] > tierRank[a] ? b : a
}

function tierOfScore(score: number, tiers: ScoringRules['tiers']): Tier {
  return score >= tiers.hot ? 'HOT' : score >= tiers.warm ? 'WARM' : 'COLD'
}

/** The rules a lead is scored by, and where they came from (kept in its 'scored' event). */
export interface ScoringRulesInUse {
  rules: ScoringRules
  origin: 'organization' | 'default'
  /** Why the organization's stored rules were not used; absent when they were, or there were none. */
  problem?: string
}

const defaultRulesInUse: ScoringRulesInUse = { rules: defaultScoringRules, origin: 'default' }

/**
 * The organization's stored rules (organizations.scoring_rules) when they validate, else the
 * defaults with the reason: a bad edit must never stop leads coming in.
 */
export function scoringRulesOf(stored: unknown): ScoringRulesInUse {
  if (stored === null || stored === undefined)
    return defaultRulesInUse
  const parsed = scoringRulesSchema.safeParse(stored)
  if (parsed.success)
    return { rules: parsed.data, origin: 'organization' }
  const issues = parsed.error.issues.slice(0, 3).map(issue => `${issue.path.join('.') || '(rules)'}: ${issue.message}`)
  return { ...defaultRulesInUse, problem: `the organization's scoring rules are invalid (${issues.join('; ')}); scored with the defaults` }
}

export interface ScoredLead {
  score: number
  tier: Tier
  explanation: Record<string, unknown>
  /** Read from the payload's extra fields by the scoring view; stored in their own columns. */
  industry: string | null
  companySize: string | null
  rules: ScoringRulesInUse
}

function explain(result: LeadScore, tier: Tier, floor: Tier | null, rules: ScoringRulesInUse): Record<string, unknown> {
  const reasons = result.explanation
  const sum = (fit: boolean) => reasons.filter(r => fitFactors.has(r.factor) === fit && r.factor !== 'bounds').reduce((total, r) => total + r.points, 0)
  return {
    score: result.score,
    tier,
    fit: sum(true),
    intent: sum(false),
    reasons,
    rules: rules.origin,
    ...(floor !== null && tier === floor && tierRank[floor] > tierRank[result.tier] ? { tier_floor: `${floor} is the source's default tier` } : {}),
  }
}

/**
 * The score of a new lead from `channel` at `now` by `rules` (the defaults unless given); the
 * source's default tier is a floor.
 */
export function scoreNewLead(
  lead: NormalizedLead,
  context: { channel: string, defaultTier: Tier | null, now: Date, rules?: ScoringRulesInUse },
): ScoredLead {
  const rules = context.rules ?? defaultRulesInUse
  const input = scoringInputFromLead(lead, { channel: context.channel, receivedAt: context.now })
  const result = scoreLead(input, { now: context.now, rules: rules.rules })
  const tier = higherTier(result.tier, context.defaultTier)
  return {
    score: result.score,
    tier,
    explanation: explain(result, tier, context.defaultTier, rules),
    industry: input.industry ?? null,
    companySize: input.companySize == null ? null : String(input.companySize).slice(0, 100),
    rules,
  }
}

/** The details of a new lead's 'scored' event. */
export function scoredEventDetails(scored: ScoredLead): Record<string, unknown> {
  return {
    score: scored.score,
    tier: scored.tier,
    reasons: scored.explanation.reasons,
    rules: scored.rules.origin,
    ...(scored.rules.problem === undefined ? {} : { rules_problem: scored.rules.problem }),
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
  const tier = higherTier(higherTier(previous.tier, fresh.tier), tierOfScore(score, fresh.rules.rules.tiers))
  const reasons = Array.isArray(base.explanation.reasons) ? base.explanation.reasons as ScoreFactor[] : []
  return {
    score,
    tier,
    explanation: { ...base.explanation, score, tier, reasons: [...reasons, bonus], reengaged: reengagedCount },
  }
}
