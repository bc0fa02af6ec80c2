// Who gets a lead: the team's routing rules in order over the reps who can take it right now.
// Pure: the caller loads the rules, accounts, reps and round-robin state, and persists the decision
// (atomically, so that concurrent ingests cannot push a rep over capacity).
import type { WeeklyHours } from './business-hours.ts'
import type { Tier } from './scoring.ts'
import { z } from 'zod'
import { isOpen } from './business-hours.ts'
import { domainAndParents } from './domains.ts'
import { languageCode, territoryCovers } from './locale-codes.ts'
import { containsPhrase } from './words.ts'

export type RoutingStrategy = 'account_owner' | 'territory' | 'skill' | 'round_robin' | 'least_loaded'

// One value or a list of them: {"country": "US"} and {"country": ["US", "CA"]} both read.
const oneOrMany = <T extends z.ZodType<string>>(item: T) =>
  z.union([item, z.array(item)]).transform(value => (Array.isArray(value) ? value : [value]) as Array<z.output<T>>)

/**
 * Which leads a rule applies to (routing_rules.conditions): every listed key must hold, each
 * matching any of its values; {} matches every lead. Unknown keys make the rule unreadable
 * rather than silently matching everything.
 */
export const ruleConditionsSchema = z.strictObject({
  /** ISO country codes of the lead. */
  country: oneOrMany(z.string()).optional(),
  /** Country or region codes ("US", "US-CA") covering the lead. */
  territory: oneOrMany(z.string()).optional(),
  /** Phrases found in the lead's product interest. */
  product_interest: oneOrMany(z.string()).optional(),
  /** Languages of the lead (codes or names). */
  language: oneOrMany(z.string()).optional(),
  /** Company domains (a lead at a subdomain matches). */
  domain: oneOrMany(z.string()).optional(),
  tier: oneOrMany(z.enum(['HOT', 'WARM', 'COLD'])).optional(),
  min_score: z.number().optional(),
})
/** Conditions as stored, e.g. {"country": ["US"], "tier": ["HOT"]}. */
export type RuleConditions = z.input<typeof ruleConditionsSchema>
type ParsedConditions = z.output<typeof ruleConditionsSchema>

export interface RoutingRule {
  id: string
  name: string
  position: number
  strategy: RoutingStrategy
  /** The stored conditions (jsonb), read with ruleConditionsSchema; null matches every lead. */
  conditions: unknown
  /** Only these reps may be chosen by the rule; null or empty for the whole team. */
  targetMemberIds: readonly string[] | null
  enabled: boolean
}

export interface RoutingLead {
  domain: string | null
  country: string | null
  /** ISO 3166-2, e.g. "US-CA". */
  regionCode: string | null
  productInterest: string | null
  language: string | null
  tier?: Tier | null
  score?: number | null
}

export type Availability = 'on_shift' | 'break' | 'off'

export interface RepSnapshot {
  id: string
  active: boolean
  availability: Availability
  /** Weekly hours in the rep's time zone; null when availability alone decides. */
  workingHours: WeeklyHours | null
  timeZone: string
  territories: readonly string[]
  skills: readonly string[]
  languages: readonly string[]
  capacity: number
  openLeads: number
  /** Round-robin turns per cycle (default 1). */
  weight?: number | null
}

/** The team's round-robin position: who had the last turn and how many turns in a row they had. */
export interface RoundRobinState {
  lastMemberId: string | null
  counter: number
}

export interface RoutingDecision {
  memberId: string | null
  rule: { id: string; name: string; strategy: RoutingStrategy } | null
  /** Why, for the lead's events and for people. */
  reason: string
  /** True when nobody could take the lead: it waits in the team's fallback queue. */
  fallback: boolean
  /** The state to store when the choice used the round-robin order. */
  roundRobin?: RoundRobinState
}

export interface RoutingRequest {
  lead: RoutingLead
  rules: readonly RoutingRule[]
  /** Company domain -> account owner's member id. */
  accounts: ReadonlyMap<string, string>
  reps: readonly RepSnapshot[]
  roundRobin: RoundRobinState | null
  now: Date
  /** Reps not to choose unless nobody else is eligible (the rep who missed the SLA). */
  excludeMemberIds?: readonly string[]
}

type Ineligibility = 'inactive' | 'off shift' | 'on break' | 'outside working hours' | 'at capacity'

function ineligibility(rep: RepSnapshot, now: Date): Ineligibility | null {
  if (!rep.active) return 'inactive'
  if (rep.availability === 'off') return 'off shift'
  if (rep.availability !== 'on_shift') return 'on break'
  if (rep.workingHours !== null && !withinWorkingHours(rep, now)) return 'outside working hours'
  if (!(rep.openLeads < rep.capacity)) return 'at capacity'
  return null
}

function withinWorkingHours(rep: RepSnapshot, now: Date): boolean {
  try {
    return isOpen({ timeZone: rep.timeZone, weeklyHours: rep.workingHours ?? {}, holidays: [] }, now)
  } catch {
    // Hours that never open or cannot be read: nobody can count on this rep being there.
    return false
  }
}

function freeCapacity(rep: RepSnapshot): number {
  return Math.max(0, Math.floor(rep.capacity - rep.openLeads))
}

/** Turns in a row a rep gets per cycle: its weight, but never more than it has room for. */
function turnsPerCycle(rep: RepSnapshot): number {
  const weight = rep.weight != null && Number.isFinite(rep.weight) ? Math.min(100, Math.max(1, Math.floor(rep.weight))) : 1
  return Math.max(1, Math.min(weight, freeCapacity(rep)))
}

const byId = (a: RepSnapshot, b: RepSnapshot) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** Reps in turn order: the first after the last one served, wrapping around. */
function inTurnOrder(pool: readonly RepSnapshot[], lastMemberId: string | null): RepSnapshot[] {
  const ordered = [...pool].sort(byId)
  if (lastMemberId === null) return ordered
  const next = ordered.findIndex(rep => rep.id > lastMemberId)
  return next <= 0 ? ordered : [...ordered.slice(next), ...ordered.slice(0, next)]
}

/**
 * Weighted round robin: reps take turns in id order; a rep with weight k serves k leads in a row.
 * The last rep keeps its turn while it has turns left, so equal reps stay within one lead of
 * each other over any number of assignments.
 */
function roundRobinPick(pool: readonly RepSnapshot[], state: RoundRobinState | null): { rep: RepSnapshot; state: RoundRobinState } {
  const last = state?.lastMemberId ?? null
  const current = pool.find(rep => rep.id === last)
  if (current && state && state.counter < turnsPerCycle(current)) {
    return { rep: current, state: { lastMemberId: current.id, counter: state.counter + 1 } }
  }
  const rep = inTurnOrder(pool, last)[0]
  return { rep, state: { lastMemberId: rep.id, counter: 1 } }
}

/** Lowest share of capacity in use; ties go to fewer open leads, then to the round-robin order. */
function leastLoadedPick(pool: readonly RepSnapshot[], state: RoundRobinState | null): { rep: RepSnapshot; state: RoundRobinState } {
  const load = (rep: RepSnapshot) => rep.openLeads / rep.capacity
  const rep = inTurnOrder(pool, state?.lastMemberId ?? null).reduce((best, candidate) =>
    load(candidate) < load(best) || (load(candidate) === load(best) && candidate.openLeads < best.openLeads) ? candidate : best,
  )
  return { rep, state: { lastMemberId: rep.id, counter: 1 } }
}

function sameLanguage(a: string, b: string): boolean {
  const left = languageCode(a) ?? a.trim().toLowerCase()
  const right = languageCode(b) ?? b.trim().toLowerCase()
  return left === right
}

function conditionsHold(conditions: ParsedConditions, lead: RoutingLead): boolean {
  const { country, territory, product_interest: productInterest, language, domain, tier, min_score: minScore } = conditions
  if (country && !country.some(code => lead.country !== null && code.trim().toUpperCase() === lead.country)) return false
  if (territory && !territory.some(code => territoryCovers(code, lead.country, lead.regionCode))) return false
  if (productInterest && !productInterest.some(phrase => lead.productInterest !== null && containsPhrase(lead.productInterest, phrase))) return false
  if (language && !language.some(spoken => lead.language !== null && sameLanguage(spoken, lead.language))) return false
  if (domain) {
    const leadDomains = lead.domain === null ? [] : domainAndParents(lead.domain)
    if (!domain.some(name => leadDomains.includes(name.trim().toLowerCase()))) return false
  }
  if (tier && !(lead.tier != null && tier.includes(lead.tier))) return false
  if (minScore !== undefined && !(lead.score != null && lead.score >= minScore)) return false
  return true
}

function accountOwner(accounts: ReadonlyMap<string, string>, domain: string | null): { domain: string; ownerId: string } | null {
  if (domain === null) return null
  for (const candidate of domainAndParents(domain)) {
    const ownerId = accounts.get(candidate)
    if (ownerId !== undefined) return { domain: candidate, ownerId }
  }
  return null
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

function summarizeIneligible(reps: readonly RepSnapshot[], reasons: Map<string, Ineligibility>): string {
  if (reps.length === 0) return 'the team has no reps'
  const counts = new Map<Ineligibility, number>()
  for (const reason of reasons.values()) counts.set(reason, (counts.get(reason) ?? 0) + 1)
  return `${plural(reps.length, 'rep')}: ${[...counts].map(([reason, count]) => `${count} ${reason}`).join(', ')}`
}

type Pick = { memberId: string; reason: string; roundRobin?: RoundRobinState } | { skip: string }

function applyRule(rule: RoutingRule, pool: readonly RepSnapshot[], request: RoutingRequest): Pick {
  const { lead, roundRobin } = request
  if (pool.length === 0) return { skip: 'none of its reps is eligible' }
  switch (rule.strategy) {
    case 'account_owner': {
      const account = accountOwner(request.accounts, lead.domain)
      if (!account) return { skip: lead.domain === null ? 'the lead has no company domain' : `no account for ${lead.domain}` }
      if (!pool.some(rep => rep.id === account.ownerId)) return { skip: `the owner of ${account.domain} is not eligible` }
      return { memberId: account.ownerId, reason: `Account owner of ${account.domain}` }
    }
    case 'territory': {
      const place = lead.regionCode ?? lead.country
      if (place === null) return { skip: 'the lead has no country or region' }
      const covers = (rep: RepSnapshot, exact: boolean) =>
        rep.territories.some(code => code.includes('-') === exact && territoryCovers(code, lead.country, lead.regionCode))
      // A rep for the region comes before a rep for the whole country.
      const regional = pool.filter(rep => covers(rep, true))
      const matching = regional.length > 0 ? regional : pool.filter(rep => covers(rep, false))
      if (matching.length === 0) return { skip: `nobody eligible covers ${place}` }
      const pick = roundRobinPick(matching, roundRobin)
      return { memberId: pick.rep.id, roundRobin: pick.state, reason: `Territory ${place}, covered by ${plural(matching.length, 'eligible rep')}, round robin` }
    }
    case 'skill': {
      const interest = lead.productInterest
      const language = lead.language
      const fit = (rep: RepSnapshot) =>
        (interest !== null && rep.skills.some(skill => containsPhrase(interest, skill)) ? 2 : 0)
        + (language !== null && rep.languages.some(spoken => sameLanguage(spoken, language)) ? 1 : 0)
      const best = Math.max(...pool.map(fit))
      if (best === 0) return { skip: 'nobody eligible has the skill or language' }
      const matching = pool.filter(rep => fit(rep) === best)
      const what = [best >= 2 ? `product interest "${interest}"` : null, best % 2 === 1 ? `language ${language}` : null].filter(Boolean).join(' and ')
      const pick = roundRobinPick(matching, roundRobin)
      return { memberId: pick.rep.id, roundRobin: pick.state, reason: `Skill match on ${what}: ${plural(matching.length, 'eligible rep')}, round robin` }
    }
    case 'round_robin': {
      const pick = roundRobinPick(pool, roundRobin)
      return { memberId: pick.rep.id, roundRobin: pick.state, reason: `Round robin among ${plural(pool.length, 'eligible rep')}` }
    }
    case 'least_loaded': {
      const pick = leastLoadedPick(pool, roundRobin)
      return { memberId: pick.rep.id, roundRobin: pick.state, reason: `Least loaded of ${plural(pool.length, 'eligible rep')} (${pick.rep.openLeads}/${pick.rep.capacity} open leads)` }
    }
    default:
      return { skip: `unknown strategy ${String(rule.strategy)}` }
  }
}

/**
 * Route a lead. Only reps who are active, on shift, inside their working hours now and under
 * capacity are eligible. Enabled rules run in position order and the first that finds a rep
 * wins. A team without rules uses round robin. When nobody can take the lead, the decision is the
 * fallback queue, with the reason.
 */
export function routeLead(request: RoutingRequest): RoutingDecision {
  const { lead, reps, now } = request
  const reasons = new Map<string, Ineligibility>()
  const eligible: RepSnapshot[] = []
  for (const rep of reps) {
    const why = ineligibility(rep, now)
    if (why === null) eligible.push(rep)
    else reasons.set(rep.id, why)
  }
  if (eligible.length === 0) {
    return { memberId: null, rule: null, fallback: true, reason: `Nobody eligible (${summarizeIneligible(reps, reasons)}): fallback queue` }
  }

  const excluded = new Set(request.excludeMemberIds ?? [])
  const others = eligible.filter(rep => !excluded.has(rep.id))
  // Never the rep who missed the SLA, unless nobody else can take the lead.
  const candidates = others.length > 0 ? others : eligible
  const note = others.length === 0 && excluded.size > 0 ? ' (the excluded rep is the only one eligible)' : ''

  const rules = request.rules.filter(rule => rule.enabled).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1))
  if (rules.length === 0) {
    const pick = roundRobinPick(candidates, request.roundRobin)
    return { memberId: pick.rep.id, rule: null, fallback: false, roundRobin: pick.state, reason: `No routing rules: round robin among ${plural(candidates.length, 'eligible rep')}${note}` }
  }

  const skipped: string[] = []
  for (const rule of rules) {
    const conditions = ruleConditionsSchema.safeParse(rule.conditions ?? {})
    if (!conditions.success) {
      skipped.push(`${rule.name}: conditions unreadable`)
      continue
    }
    if (!conditionsHold(conditions.data, lead)) {
      skipped.push(`${rule.name}: lead does not match`)
      continue
    }
    const targets = rule.targetMemberIds === null || rule.targetMemberIds.length === 0 ? null : new Set(rule.targetMemberIds)
    const pool = targets === null ? candidates : candidates.filter(rep => targets.has(rep.id))
    const pick = applyRule(rule, pool, request)
    if ('skip' in pick) {
      skipped.push(`${rule.name}: ${pick.skip}`)
      continue
    }
    return {
      memberId: pick.memberId,
      rule: { id: rule.id, name: rule.name, strategy: rule.strategy },
      fallback: false,
      reason: `${rule.name}: ${pick.reason}${note}`,
      ...(pick.roundRobin ? { roundRobin: pick.roundRobin } : {}),
    }
  }
  return { memberId: null, rule: null, fallback: true, reason: `No rule found an eligible rep (${skipped.join('; ')}): fallback queue` }
}
