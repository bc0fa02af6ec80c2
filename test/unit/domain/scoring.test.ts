import type { ScoringInput, ScoringRules } from '@domain/scoring.ts'
import { normalizeLeadInput } from '@domain/lead-input.ts'
import { defaultScoringRules, parseCompanySize, scoreLead, scoringInputFromLead, scoringRulesSchema } from '@domain/scoring.ts'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const now = new Date('2025-06-03T15:00:00Z')
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000)
const score = (input: ScoringInput, rules?: ScoringRules) => scoreLead(input, { now, rules })
const reasons = (input: ScoringInput) => score(input).explanation.map(item => item.reason)

describe('fit', () => {
  it.each([
    ['VP of Sales', 'VP title +20'],
    ['Vice President, Marketing', 'VP title +20'],
    ['V.P. Operations', 'VP title +20'],
    ['Chief Revenue Officer', 'C-level title +25'],
    ['CEO & Co-Founder', 'C-level title +25'],
    ['Managing Director', 'C-level title +25'],
    ['Head of Growth', 'Director title +15'],
    ['Sr. Director, IT', 'Director title +15'],
    ['Engineering Manager', 'Manager title +8'],
    ['Software Engineer', 'Individual contributor +3'],
  ])('reads the title %s as %s', (title, expected) => {
    expect(reasons({ title })).toEqual([expected])
  })

  it('can take points away for a title, never below a score of 0', () => {
    expect(reasons({ title: 'Marketing Intern' })).toEqual(['Student or intern -10', 'Raised to 0 +10'])
    expect(reasons({ title: 'Marketing Intern', formType: 'contact' })).toEqual(['Student or intern -10', 'Contact form +8', 'Raised to 0 +2'])
  })

  it('does not match keywords inside other words', () => {
    // "director" is not in "directory", "vp" is not in "vpn", "cto" is not in "doctor".
    expect(reasons({ title: 'Directory VPN Doctor' })).toEqual([])
  })

  it.each([
    [5000, 'Enterprise (1000+ employees) +15'],
    ['1,000+', 'Enterprise (1000+ employees) +15'],
    ['201-500', 'Mid-market (200-999 employees) +10'],
    ['51-200', 'Growing company (50-199 employees) +6'],
    ['10k', 'Enterprise (1000+ employees) +15'],
    ['1-10', 'Small company (under 50 employees) +2'],
  ])('reads company size %j', (companySize, expected) => {
    expect(reasons({ companySize })).toEqual([expected])
  })

  it('parses company sizes as people type them', () => {
    expect([parseCompanySize('10.000'), parseCompanySize('1,000,000'), parseCompanySize('2.5k'), parseCompanySize('about 40'), parseCompanySize('many'), parseCompanySize(-3)])
      .toEqual([10_000, 1_000_000, 2500, 40, null, null])
  })

  it('reads industry and region, country or region code', () => {
    expect(reasons({ industry: 'Computer Software' })).toEqual(['Software industry +10'])
    expect(reasons({ country: 'US' })).toEqual(['North America +10'])
    expect(reasons({ regionCode: 'CA-QC' })).toEqual(['North America +10'])
    expect(reasons({ country: 'DE' })).toEqual(['Western Europe +8'])
    expect(reasons({ country: 'BR' })).toEqual([])
  })

  it('lets a region rule target one state', () => {
    const rules: ScoringRules = { ...defaultScoringRules, fit: { ...defaultScoringRules.fit, regions: [{ codes: ['US-CA'], points: 12, label: 'California' }, { codes: ['US'], points: 5, label: 'Rest of US' }] } }
    expect(score({ country: 'US', regionCode: 'US-CA' }, rules).explanation.map(e => e.reason)).toEqual(['California +12'])
    expect(score({ country: 'US', regionCode: 'US-NY' }, rules).explanation.map(e => e.reason)).toEqual(['Rest of US +5'])
  })
})

describe('intent', () => {
  it('scores channel and form type', () => {
    expect(reasons({ channel: 'web_form', formType: 'Request a demo' })).toEqual(['Inbound form +8', 'Demo request +25'])
    expect(reasons({ channel: 'phone', formType: 'Get pricing' })).toEqual(['Live conversation +10', 'Pricing or trial request +18'])
    expect(reasons({ channel: 'third_party' })).toEqual(['Third-party lead +2'])
  })

  it('counts each kind of page once and caps page points', () => {
    expect(reasons({ pagesVisited: ['/pricing', '/pricing/enterprise'] })).toEqual(['Visited pricing page +8'])
    const all = score({ pagesVisited: ['/pricing', '/demo', '/customers/acme', '/docs/api'] })
    expect(all.explanation.map(e => e.reason)).toEqual(['Visited pricing page +8', 'Visited demo page +6', 'Read case studies +1'])
    expect(all.score).toBe(defaultScoringRules.intent.maxPagePoints)
  })

  it('reads signals from the payload', () => {
    expect(reasons({ attributes: { budget: '50k', timeline: 'This quarter' } })).toEqual(['Budget stated +5', 'Buying soon +5'])
    expect(reasons({ attributes: { budget: 'no', timeline: 'next year' } })).toEqual([])
    expect(reasons({ attributes: { Budget: ['', '20k'] } })).toEqual(['Budget stated +5'])
  })
})

describe('recency', () => {
  it('gives the points of the smallest window the lead falls into', () => {
    expect(reasons({ lastActivityAt: minutesAgo(5) })).toEqual(['New in the last hour +10'])
    expect(reasons({ lastActivityAt: minutesAgo(60) })).toEqual(['New in the last hour +10'])
    expect(reasons({ lastActivityAt: minutesAgo(61) })).toEqual(['New today +5'])
    expect(reasons({ lastActivityAt: minutesAgo(3 * 1440) })).toEqual(['New this week +2'])
    expect(reasons({ lastActivityAt: minutesAgo(30 * 1440) })).toEqual([])
    expect(reasons({ lastActivityAt: new Date(now.getTime() + 60_000) })).toEqual(['New in the last hour +10'])
  })
})

describe('score, tier and explanation', () => {
  it('makes a senior demo request from a big target-market company HOT, capped at 100', () => {
    const result = score({ title: 'VP Sales', companySize: 5000, industry: 'SaaS', country: 'US', channel: 'web_form', formType: 'demo', pagesVisited: ['/pricing'], attributes: { budget: 'yes' }, lastActivityAt: minutesAgo(1) })
    expect(result.score).toBe(100)
    expect(result.tier).toBe('HOT')
    expect(result.explanation.at(-1)).toMatchObject({ factor: 'bounds', reason: expect.stringMatching(/^Capped at 100 -\d+$/) })
  })

  it('makes a manager contact form WARM and a student newsletter COLD', () => {
    const warm = score({ title: 'Marketing Manager', companySize: '51-200', country: 'GB', channel: 'web_form', formType: 'contact', lastActivityAt: minutesAgo(2) })
    expect(warm).toMatchObject({ score: 48, tier: 'WARM' })
    const cold = score({ title: 'Student', channel: 'ad', formType: 'newsletter' })
    expect(cold).toMatchObject({ score: 0, tier: 'COLD' })
    expect(cold.explanation.map(e => e.reason)).toEqual(['Student or intern -10', 'Ad response +4', 'Content download +2', 'Raised to 0 +4'])
  })

  it('scores an empty lead 0 with no explanation', () => {
    expect(score({})).toEqual({ score: 0, tier: 'COLD', explanation: [] })
  })

  it('uses the tier thresholds of the rules', () => {
    const strict: ScoringRules = { ...defaultScoringRules, tiers: { hot: 95, warm: 90 } }
    expect(score({ formType: 'demo', title: 'CEO', country: 'US', lastActivityAt: now }, strict).tier).toBe('COLD')
    // 25 + 25 + 10 + 10 = 70, exactly the default HOT threshold.
    expect(score({ formType: 'demo', title: 'CEO', country: 'US', lastActivityAt: now })).toMatchObject({ score: 70, tier: 'HOT' })
    expect(score({ formType: 'demo', title: 'CEO', country: 'US' })).toMatchObject({ score: 60, tier: 'WARM' })
  })

  it('keeps the score within 0..100, the explanation summing to it, with readable reasons', () => {
    const rulesArb = fc.constantFrom<ScoringRules>(defaultScoringRules, {
      ...defaultScoringRules,
      fit: { ...defaultScoringRules.fit, titles: [{ keywords: ['a'], points: -100, label: 'Harsh' }, { keywords: ['b'], points: 100, label: 'Generous' }] },
    })
    const inputArb = fc.record(
      {
        title: fc.oneof(fc.constantFrom('VP Sales', 'CEO', 'Intern', 'a', 'b', 'Engineer'), fc.string()),
        companySize: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.string(), fc.constant(Number.NaN)),
        industry: fc.string(),
        country: fc.constantFrom('US', 'DE', 'BR', null),
        regionCode: fc.constantFrom('US-CA', 'CA-ON', null),
        channel: fc.constantFrom('web_form', 'phone', 'email', 'event', 'chat', 'third_party', 'ad', 'fax', null),
        formType: fc.constantFrom('demo', 'pricing', 'contact', 'newsletter', null),
        pagesVisited: fc.array(fc.constantFrom('/pricing', '/demo', '/docs', '/customers', '/blog', '/plans')),
        attributes: fc.dictionary(fc.constantFrom('budget', 'timeline', 'other'), fc.anything()),
        lastActivityAt: fc.option(fc.date({ min: new Date('2025-01-01'), max: new Date('2025-07-01'), noInvalidDate: false })),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(inputArb, rulesArb, (input, rules) => {
        const result = score(input, rules)
        expect(result.score).toBeGreaterThanOrEqual(0)
        expect(result.score).toBeLessThanOrEqual(100)
        expect(Number.isInteger(result.score)).toBe(true)
        expect(result.explanation.reduce((sum, item) => sum + item.points, 0)).toBe(result.score)
        for (const item of result.explanation) {
          expect(item.points).not.toBe(0)
          expect(item.reason).toMatch(/^.+ [+-]\d+$/)
        }
        const expectedTier = result.score >= rules.tiers.hot ? 'HOT' : result.score >= rules.tiers.warm ? 'WARM' : 'COLD'
        expect(result.tier).toBe(expectedTier)
      }),
      { numRuns: 1000 },
    )
  }, 60_000)
})

describe('rules', () => {
  it('validates the default rules and refuses broken ones', () => {
    expect(scoringRulesSchema.safeParse(defaultScoringRules).success).toBe(true)
    expect(scoringRulesSchema.safeParse({ ...defaultScoringRules, tiers: { hot: 40, warm: 70 } }).success).toBe(false)
    expect(scoringRulesSchema.safeParse({ ...defaultScoringRules, recency: [{ withinMinutes: 0, points: 5, label: 'x' }] }).success).toBe(false)
    expect(scoringRulesSchema.safeParse({ ...defaultScoringRules, fit: { ...defaultScoringRules.fit, titles: [{ keywords: [], points: 5, label: 'x' }] } }).success).toBe(false)
  })
})

describe('from a normalized lead', () => {
  it('reads company size, industry, form type and pages from the payload', () => {
    const result = normalizeLeadInput({
      'email': 'ann@acme.io', 'Job Title': 'Director of Sales', 'country': 'US', 'Company Size': '201-500',
      'Industry': 'Software', 'Form Type': 'Demo request', 'pages_visited': '/pricing, /demo', 'budget': '25k',
    })
    if (!result.ok) throw new Error('lead expected')
    const input = scoringInputFromLead(result.lead, { channel: 'web_form', receivedAt: minutesAgo(0) })
    expect(input).toMatchObject({ title: 'Director of Sales', companySize: '201-500', industry: 'Software', formType: 'Demo request', pagesVisited: ['/pricing', '/demo'], channel: 'web_form' })
    expect(score(input).explanation.map(e => e.reason)).toEqual([
      'Director title +15', 'Mid-market (200-999 employees) +10', 'Software industry +10', 'North America +10',
      'Inbound form +8', 'Demo request +25', 'Visited pricing page +8', 'Visited demo page +6', 'Budget stated +5',
      'New in the last hour +10', 'Capped at 100 -7',
    ])
  })

  it('takes the source\'s form type when the payload has none', () => {
    const input = scoringInputFromLead({ title: null, country: null, regionCode: null, attributes: {} }, { formType: 'pricing' })
    expect(input.formType).toBe('pricing')
  })
})
