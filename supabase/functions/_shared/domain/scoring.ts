// Lead scoring from configurable rules: fit (who they are), intent (what they did) and recency,
// added up to 0–100 with an explanation a rep can read ("VP title +20"). The explanation always
// sums to the score.
import type { NormalizedLead } from './lead-input.ts'
import { z } from 'zod'
import { territoryCovers } from './locale-codes.ts'
import { containsPhrase, normalizeWords } from './words.ts'

const points = z.number().int().min(-100).max(100)
const label = z.string().trim().min(1).max(120)

const keywordRuleSchema = z.object({ keywords: z.array(z.string().min(1)).min(1), points, label })

export const scoringRulesSchema = z
  .object({
    /** Minimum score of each tier; below warm is COLD. */
    tiers: z.object({ hot: z.number().min(0).max(100), warm: z.number().min(0).max(100) }),
    fit: z.object({
      /** Job titles, most senior first: the first rule with a matching keyword counts. */
      titles: z.array(keywordRuleSchema),
      /** The rule with the highest minimum at or below the company's size counts. */
      companySizes: z.array(z.object({ minEmployees: z.number().int().min(0), points, label })),
      industries: z.array(keywordRuleSchema),
      /** Country ("US") or region ("US-CA") codes; the first matching rule counts. */
      regions: z.array(z.object({ codes: z.array(z.string().min(2)).min(1), points, label })),
    }),
    intent: z.object({
      /** Lead source channels ("web_form", "phone", …); the first matching rule counts. */
      channels: z.array(z.object({ channels: z.array(z.string().min(1)).min(1), points, label })),
      /** Form types ("Demo request"); the first matching rule counts. */
      formTypes: z.array(keywordRuleSchema),
      /** Pages visited: each rule counts once when any page matches, up to maxPagePoints in all. */
      pages: z.array(keywordRuleSchema),
      maxPagePoints: z.number().int().min(0).max(100),
      /** Other fields of the payload: present (and, with values, matching one of them). */
      signals: z.array(z.object({ attribute: z.string().min(1), values: z.array(z.string().min(1)).optional(), points, label })),
    }),
    /** Minutes since the lead came in or last showed activity; the smallest matching window counts. */
    recency: z.array(z.object({ withinMinutes: z.number().positive(), points, label })),
  })
  .refine(rules => rules.tiers.hot > rules.tiers.warm, 'the HOT threshold must be above the WARM one')

export type ScoringRules = z.infer<typeof scoringRulesSchema>

export const defaultScoringRules: ScoringRules = {
  tiers: { hot: 70, warm: 40 },
  fit: {
    titles: [
      // Before C-level so that "Vice President" is not read as "President".
      { keywords: ['vice president', 'vp', 'svp', 'evp', 'avp'], points: 20, label: 'VP title' },
      { keywords: ['ceo', 'cfo', 'cto', 'coo', 'cmo', 'cro', 'cio', 'ciso', 'chief', 'founder', 'cofounder', 'co founder', 'president', 'managing director'], points: 25, label: 'C-level title' },
      { keywords: ['head of', 'director'], points: 15, label: 'Director title' },
      { keywords: ['manager', 'lead', 'principal'], points: 8, label: 'Manager title' },
      { keywords: ['student', 'intern', 'trainee'], points: -10, label: 'Student or intern' },
      { keywords: ['analyst', 'specialist', 'engineer', 'associate', 'coordinator', 'consultant', 'developer'], points: 3, label: 'Individual contributor' },
    ],
    companySizes: [
      { minEmployees: 1000, points: 15, label: 'Enterprise (1000+ employees)' },
      { minEmployees: 200, points: 10, label: 'Mid-market (200-999 employees)' },
      { minEmployees: 50, points: 6, label: 'Growing company (50-199 employees)' },
      { minEmployees: 1, points: 2, label: 'Small company (under 50 employees)' },
    ],
    industries: [
      { keywords: ['software', 'saas', 'technology', 'it services', 'internet'], points: 10, label: 'Software industry' },
      { keywords: ['financial services', 'fintech', 'banking', 'insurance'], points: 8, label: 'Financial services industry' },
      { keywords: ['healthcare', 'health care', 'medical', 'pharma'], points: 6, label: 'Healthcare industry' },
    ],
    regions: [
      { codes: ['US', 'CA'], points: 10, label: 'North America' },
      { codes: ['GB', 'IE', 'DE', 'AT', 'CH', 'FR', 'NL', 'BE', 'LU', 'SE', 'DK', 'NO', 'FI', 'ES', 'IT', 'PT'], points: 8, label: 'Western Europe' },
      { codes: ['AU', 'NZ'], points: 6, label: 'Australia and New Zealand' },
    ],
  },
  intent: {
    // The lead_channel values of the schema.
    channels: [
      { channels: ['phone', 'chat'], points: 10, label: 'Live conversation' },
      { channels: ['web_form'], points: 8, label: 'Inbound form' },
      { channels: ['event'], points: 6, label: 'Met at an event' },
      { channels: ['email'], points: 5, label: 'Inbound email' },
      { channels: ['ad'], points: 4, label: 'Ad response' },
      { channels: ['third_party'], points: 2, label: 'Third-party lead' },
    ],
    formTypes: [
      { keywords: ['demo'], points: 25, label: 'Demo request' },
      { keywords: ['pricing', 'quote', 'trial', 'sales', 'buy', 'purchase'], points: 18, label: 'Pricing or trial request' },
      { keywords: ['contact'], points: 8, label: 'Contact form' },
      { keywords: ['newsletter', 'ebook', 'whitepaper', 'webinar', 'download', 'guide'], points: 2, label: 'Content download' },
    ],
    pages: [
      { keywords: ['pricing', 'plans'], points: 8, label: 'Visited pricing page' },
      { keywords: ['demo', 'trial'], points: 6, label: 'Visited demo page' },
      { keywords: ['case studies', 'customers', 'case study'], points: 4, label: 'Read case studies' },
      { keywords: ['docs', 'documentation', 'integrations', 'security'], points: 3, label: 'Read product docs' },
    ],
    maxPagePoints: 15,
    signals: [
      { attribute: 'budget', points: 5, label: 'Budget stated' },
      { attribute: 'timeline', values: ['now', 'immediately', 'asap', 'this month', 'this quarter', '30 days'], points: 5, label: 'Buying soon' },
    ],
  },
  recency: [
    { withinMinutes: 60, points: 10, label: 'New in the last hour' },
    { withinMinutes: 1440, points: 5, label: 'New today' },
    { withinMinutes: 10_080, points: 2, label: 'New this week' },
  ],
}

export type Tier = 'HOT' | 'WARM' | 'COLD'

export type ScoreFactorName =
  | 'title' | 'company_size' | 'industry' | 'region' | 'channel' | 'form_type' | 'pages' | 'signal' | 'recency' | 'bounds'

export interface ScoreFactor {
  factor: ScoreFactorName
  points: number
  /** For people: "VP title +20". */
  reason: string
}

export interface LeadScore {
  score: number
  tier: Tier
  explanation: ScoreFactor[]
}

export interface ScoringInput {
  title?: string | null
  /** Employees as a number or as typed ("51-200", "1,000+", "10k"). */
  companySize?: number | string | null
  industry?: string | null
  country?: string | null
  /** ISO 3166-2, e.g. "US-CA". */
  regionCode?: string | null
  /** The lead source's channel (lead_channel), e.g. "web_form". */
  channel?: string | null
  formType?: string | null
  pagesVisited?: readonly string[] | null
  /** Extra payload fields, read by signal rules. */
  attributes?: Readonly<Record<string, unknown>> | null
  /** When the lead came in or last showed activity. */
  lastActivityAt?: Date | null
}

function reason(text: string, value: number): string {
  return `${text} ${value >= 0 ? '+' : '-'}${Math.abs(value)}`
}

function firstKeywordMatch<T extends { keywords: string[] }>(rules: readonly T[], text: string | null | undefined): T | undefined {
  if (!text) return undefined
  return rules.find(rule => rule.keywords.some(keyword => containsPhrase(text, keyword)))
}

/** Employees from "51-200" (51), "1,000+" (1000), "10k" (10000) or a number; null if unreadable. */
export function parseCompanySize(size: number | string | null | undefined): number | null {
  if (typeof size === 'number') return Number.isFinite(size) && size >= 0 ? Math.floor(size) : null
  if (typeof size !== 'string') return null
  const text = size.toLowerCase().replace(/(\d)[,.\s'](?=\d{3}\b)/g, '$1')
  const match = /(\d+(?:\.\d+)?)\s*(k|m)?/.exec(text)
  if (!match) return null
  const factor = match[2] === 'k' ? 1000 : match[2] === 'm' ? 1_000_000 : 1
  return Math.floor(Number(match[1]) * factor)
}

function hasSignal(value: unknown, values: readonly string[] | undefined): boolean {
  const texts = (Array.isArray(value) ? value : [value])
    .filter((item): item is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof item))
    .map(item => String(item))
    .filter(text => !['', 'false', 'no', 'none', 'n/a', '0'].includes(normalizeWords(text)))
  if (texts.length === 0) return false
  return values === undefined || texts.some(text => values.some(wanted => containsPhrase(text, wanted)))
}

/** Score a lead at `now` by `rules` (the defaults unless the organization configured its own). */
export function scoreLead(input: ScoringInput, options: { now: Date; rules?: ScoringRules }): LeadScore {
  const rules = options.rules ?? defaultScoringRules
  const explanation: ScoreFactor[] = []
  const add = (factor: ScoreFactorName, value: number, label: string) => {
    if (value !== 0) explanation.push({ factor, points: value, reason: reason(label, value) })
  }

  const title = firstKeywordMatch(rules.fit.titles, input.title)
  if (title) add('title', title.points, title.label)

  const employees = parseCompanySize(input.companySize)
  if (employees !== null) {
    const size = [...rules.fit.companySizes].sort((a, b) => b.minEmployees - a.minEmployees).find(rule => employees >= rule.minEmployees)
    if (size) add('company_size', size.points, size.label)
  }

  const industry = firstKeywordMatch(rules.fit.industries, input.industry)
  if (industry) add('industry', industry.points, industry.label)

  const country = input.country ?? null
  const region = input.regionCode ?? null
  const place = rules.fit.regions.find(rule => rule.codes.some(code => territoryCovers(code, country, region)))
  if (place) add('region', place.points, place.label)

  const channelName = input.channel ? normalizeWords(input.channel) : ''
  const channel = rules.intent.channels.find(rule => rule.channels.some(name => normalizeWords(name) === channelName))
  if (channel) add('channel', channel.points, channel.label)

  const formType = firstKeywordMatch(rules.intent.formTypes, input.formType)
  if (formType) add('form_type', formType.points, formType.label)

  const pages = input.pagesVisited ?? []
  let pageRoom = rules.intent.maxPagePoints
  for (const rule of rules.intent.pages) {
    if (!pages.some(page => rule.keywords.some(keyword => containsPhrase(page, keyword)))) continue
    // Many pages say interest, but not without limit.
    const value = rule.points > 0 ? Math.min(rule.points, pageRoom) : rule.points
    if (value > 0) pageRoom -= value
    add('pages', value, rule.label)
  }

  const attributes = input.attributes ?? {}
  for (const rule of rules.intent.signals) {
    const key = Object.keys(attributes).find(name => normalizeWords(name) === normalizeWords(rule.attribute))
    if (key !== undefined && hasSignal(attributes[key], rule.values)) add('signal', rule.points, rule.label)
  }

  if (input.lastActivityAt && Number.isFinite(input.lastActivityAt.getTime())) {
    const ageMinutes = Math.max(0, (options.now.getTime() - input.lastActivityAt.getTime()) / 60_000)
    const recent = [...rules.recency].sort((a, b) => a.withinMinutes - b.withinMinutes).find(rule => ageMinutes <= rule.withinMinutes)
    if (recent) add('recency', recent.points, recent.label)
  }

  const raw = explanation.reduce((sum, item) => sum + item.points, 0)
  const score = Math.min(100, Math.max(0, raw))
  if (score !== raw) add('bounds', score - raw, score === 100 ? 'Capped at 100' : 'Raised to 0')
  const tier: Tier = score >= rules.tiers.hot ? 'HOT' : score >= rules.tiers.warm ? 'WARM' : 'COLD'
  return { score, tier, explanation }
}

function firstAttribute(attributes: Readonly<Record<string, unknown>>, names: readonly string[]): unknown {
  for (const name of names) if (Object.hasOwn(attributes, name)) return attributes[name]
  return undefined
}

function asText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null
}

/**
 * The scoring view of a normalized lead: company size, industry, form type and pages come from
 * the payload's extra fields under their usual names.
 */
export function scoringInputFromLead(
  lead: Pick<NormalizedLead, 'title' | 'country' | 'regionCode' | 'attributes'>,
  context: { channel?: string | null; formType?: string | null; receivedAt?: Date | null } = {},
): ScoringInput {
  const attributes = lead.attributes
  const size = firstAttribute(attributes, ['company_size', 'employees', 'employee_count', 'number_of_employees', 'headcount', 'size'])
  const pages = firstAttribute(attributes, ['pages_visited', 'pages', 'visited_pages', 'page_views', 'pageviews', 'viewed_pages'])
  return {
    title: lead.title,
    companySize: typeof size === 'number' ? size : asText(size),
    industry: asText(firstAttribute(attributes, ['industry', 'sector', 'vertical'])),
    country: lead.country,
    regionCode: lead.regionCode,
    channel: context.channel ?? null,
    formType: asText(firstAttribute(attributes, ['form_type', 'form', 'form_name', 'request_type', 'inquiry_type', 'lead_type'])) ?? context.formType ?? null,
    pagesVisited: Array.isArray(pages)
      ? pages.map(asText).filter((page): page is string => page !== null)
      : typeof pages === 'string' ? pages.split(/[\s,]+/).filter(Boolean) : null,
    attributes,
    lastActivityAt: context.receivedAt ?? null,
  }
}
