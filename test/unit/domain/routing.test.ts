import type { RepSnapshot, RoundRobinState, RoutingLead, RoutingRequest, RoutingRule } from '@domain/routing.ts'
import { routeLead } from '@domain/routing.ts'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

// Tuesday 11:00 in New York, 17:00 in Berlin.
const now = new Date('2025-06-03T15:00:00Z')
const officeHours = { 1: [{ start: '09:00', end: '17:00' }], 2: [{ start: '09:00', end: '17:00' }], 3: [{ start: '09:00', end: '17:00' }], 4: [{ start: '09:00', end: '17:00' }], 5: [{ start: '09:00', end: '17:00' }] }

function rep(id: string, overrides: Partial<RepSnapshot> = {}): RepSnapshot {
  return {
    id, active: true, availability: 'on_shift', workingHours: null, timeZone: 'America/New_York',
    territories: [], skills: [], languages: [], capacity: 10, openLeads: 0, ...overrides,
  }
}

function rule(id: string, strategy: RoutingRule['strategy'], overrides: Partial<RoutingRule> = {}): RoutingRule {
  return { id, name: id, position: 0, strategy, conditions: {}, targetMemberIds: null, enabled: true, ...overrides }
}

const emptyLead: RoutingLead = { domain: null, country: null, regionCode: null, productInterest: null, language: null }

function route(overrides: Partial<Omit<RoutingRequest, 'lead'>> & { lead?: Partial<RoutingLead> }) {
  return routeLead({
    rules: [], accounts: new Map(), reps: [], roundRobin: null, now,
    ...overrides,
    lead: { ...emptyLead, ...overrides.lead },
  })
}

describe('eligibility', () => {
  it('only routes to active reps on shift, inside working hours and under capacity', () => {
    const reps = [
      rep('a-inactive', { active: false }),
      rep('b-off', { availability: 'off' }),
      rep('c-break', { availability: 'break' }),
      rep('d-asleep', { workingHours: officeHours, timeZone: 'Asia/Tokyo' }),
      rep('e-full', { capacity: 3, openLeads: 3 }),
      rep('f-ok', { workingHours: officeHours, timeZone: 'America/New_York', capacity: 3, openLeads: 2 }),
    ]
    const decision = route({ reps, rules: [rule('rr', 'round_robin')] })
    expect(decision).toMatchObject({ memberId: 'f-ok', fallback: false, rule: { id: 'rr', strategy: 'round_robin' } })
  })

  it('sends the lead to the fallback queue with the reasons when nobody is eligible', () => {
    const reps = [
      rep('a', { active: false }), rep('b', { availability: 'off' }), rep('c', { availability: 'off' }),
      rep('d', { availability: 'break' }), rep('e', { capacity: 0 }),
      rep('f', { workingHours: officeHours, timeZone: 'Europe/Berlin' }),
    ]
    const decision = route({ reps, rules: [rule('rr', 'round_robin')] })
    expect(decision).toEqual({
      memberId: null, rule: null, fallback: true,
      reason: 'Nobody eligible (6 reps: 1 inactive, 2 off shift, 1 on break, 1 at capacity, 1 outside working hours): fallback queue',
    })
  })

  it('falls back when the team has no reps', () => {
    expect(route({ reps: [] })).toMatchObject({ memberId: null, fallback: true, reason: expect.stringContaining('the team has no reps') })
  })

  it('treats working hours that never open as outside working hours rather than failing', () => {
    expect(route({ reps: [rep('a', { workingHours: {} }), rep('b', { workingHours: officeHours, timeZone: 'Not/AZone' })] })).toMatchObject({ fallback: true })
  })

  it('lets a rep with working hours take leads only during them', () => {
    const nightOwl = rep('owl', { workingHours: { 2: [{ start: '22:00', end: '06:00' }] }, timeZone: 'UTC' })
    expect(route({ reps: [nightOwl], now: new Date('2025-06-03T23:00:00Z') }).memberId).toBe('owl')
    expect(route({ reps: [nightOwl], now: new Date('2025-06-04T05:59:00Z') }).memberId).toBe('owl')
    expect(route({ reps: [nightOwl], now: new Date('2025-06-04T06:00:00Z') }).memberId).toBeNull()
  })
})

describe('account owner', () => {
  const accounts = new Map([['acme.com', 'owner'], ['globex.io', 'busy-owner']])
  const rules = [rule('acct', 'account_owner', { position: 1 }), rule('rr', 'round_robin', { position: 2 })]

  it('wins when eligible, also for a subdomain of the account', () => {
    const reps = [rep('aaa'), rep('owner')]
    expect(route({ reps, rules, accounts, lead: { domain: 'acme.com' } })).toMatchObject({ memberId: 'owner', rule: { id: 'acct' }, reason: 'acct: Account owner of acme.com' })
    expect(route({ reps, rules, accounts, lead: { domain: 'eu.acme.com' } }).memberId).toBe('owner')
  })

  it('leaves the lead to the next rule when the owner cannot take it', () => {
    const reps = [rep('aaa'), rep('busy-owner', { availability: 'break' })]
    const decision = route({ reps, rules, accounts, lead: { domain: 'globex.io' } })
    expect(decision).toMatchObject({ memberId: 'aaa', rule: { id: 'rr' } })
  })

  it('does not change the round-robin state', () => {
    expect(route({ reps: [rep('owner')], rules, accounts, lead: { domain: 'acme.com' } }).roundRobin).toBeUndefined()
  })
})

describe('territory', () => {
  const rules = [rule('terr', 'territory')]
  const reps = [rep('us-1', { territories: ['US'] }), rep('ca-1', { territories: ['US-CA'] }), rep('de-1', { territories: ['DE', 'AT'] })]

  it('prefers a rep for the region over a rep for the whole country', () => {
    expect(route({ reps, rules, lead: { country: 'US', regionCode: 'US-CA' } }).memberId).toBe('ca-1')
    expect(route({ reps, rules, lead: { country: 'US', regionCode: 'US-NY' } }).memberId).toBe('us-1')
    expect(route({ reps, rules, lead: { country: 'AT' } }).memberId).toBe('de-1')
  })

  it('falls through when nobody covers the lead or the lead has no place', () => {
    expect(route({ reps, rules, lead: { country: 'FR' } })).toMatchObject({ memberId: null, fallback: true, reason: expect.stringContaining('nobody eligible covers FR') })
    expect(route({ reps, rules, lead: {} })).toMatchObject({ fallback: true, reason: expect.stringContaining('no country or region') })
  })

  it('takes turns between reps of the same territory', () => {
    const pair = [rep('us-1', { territories: ['US'] }), rep('us-2', { territories: ['US'] })]
    let state: RoundRobinState | null = null
    const picks: Array<string | null> = []
    for (let i = 0; i < 4; i += 1) {
      const decision = route({ reps: pair, rules, roundRobin: state, lead: { country: 'US' } })
      picks.push(decision.memberId)
      state = decision.roundRobin ?? state
    }
    expect(picks).toEqual(['us-1', 'us-2', 'us-1', 'us-2'])
  })
})

describe('skill', () => {
  const rules = [rule('skill', 'skill')]
  const reps = [
    rep('payroll-en', { skills: ['Payroll'], languages: ['en'] }),
    rep('payroll-de', { skills: ['payroll'], languages: ['de', 'en'] }),
    rep('hr-de', { skills: ['HR'], languages: ['German'] }),
  ]

  it('matches product interest, preferring reps who also speak the language', () => {
    expect(route({ reps, rules, lead: { productInterest: 'Payroll, Benefits', language: 'de' } })).toMatchObject({
      memberId: 'payroll-de', reason: 'skill: Skill match on product interest "Payroll, Benefits" and language de: 1 eligible rep, round robin',
    })
    // Two reps fit equally: they take turns, in id order from an empty state.
    expect(route({ reps, rules, lead: { productInterest: 'payroll' } }).memberId).toBe('payroll-de')
    expect(route({ reps, rules, lead: { productInterest: 'payroll' }, roundRobin: { lastMemberId: 'payroll-de', counter: 1 } }).memberId).toBe('payroll-en')
  })

  it('matches on language alone when nobody has the product skill', () => {
    expect(route({ reps: [reps[0], reps[2]], rules, lead: { productInterest: 'Time tracking', language: 'de' } }).memberId).toBe('hr-de')
  })

  it('falls through when nothing matches', () => {
    expect(route({ reps, rules, lead: { productInterest: 'Lasers', language: 'fr' } })).toMatchObject({ fallback: true })
  })
})

describe('least loaded', () => {
  it('picks the lowest share of capacity in use, then fewer open leads', () => {
    const reps = [rep('a', { capacity: 10, openLeads: 5 }), rep('b', { capacity: 4, openLeads: 1 }), rep('c', { capacity: 2, openLeads: 1 })]
    expect(route({ reps, rules: [rule('ll', 'least_loaded')] })).toMatchObject({ memberId: 'b', reason: 'll: Least loaded of 3 eligible reps (1/4 open leads)' })
    const tied = [rep('a', { capacity: 10, openLeads: 2 }), rep('b', { capacity: 5, openLeads: 1 })]
    expect(route({ reps: tied, rules: [rule('ll', 'least_loaded')] }).memberId).toBe('b')
  })

  it('rotates among equally loaded reps', () => {
    const reps = [rep('a'), rep('b'), rep('c')]
    expect(route({ reps, rules: [rule('ll', 'least_loaded')], roundRobin: { lastMemberId: 'a', counter: 1 } }).memberId).toBe('b')
    expect(route({ reps, rules: [rule('ll', 'least_loaded')], roundRobin: { lastMemberId: 'c', counter: 1 } }).memberId).toBe('a')
  })
})

describe('rules', () => {
  it('runs enabled rules in position order and records the rule that matched', () => {
    const reps = [rep('a', { territories: ['US'] }), rep('b')]
    const rules = [
      rule('second', 'round_robin', { position: 2 }),
      rule('first', 'territory', { position: 1 }),
      rule('disabled', 'least_loaded', { position: 0, enabled: false }),
    ]
    expect(route({ reps, rules, lead: { country: 'US' } }).rule).toEqual({ id: 'first', name: 'first', strategy: 'territory' })
    expect(route({ reps, rules, lead: { country: 'FR' } }).rule).toEqual({ id: 'second', name: 'second', strategy: 'round_robin' })
  })

  it('applies only to leads that meet its conditions', () => {
    const reps = [rep('vip'), rep('rest')]
    const rules = [
      rule('hot', 'round_robin', { position: 1, conditions: { tier: ['HOT'], territory: ['US'] }, targetMemberIds: ['vip'] }),
      rule('all', 'round_robin', { position: 2, targetMemberIds: ['rest'] }),
    ]
    expect(route({ reps, rules, lead: { tier: 'HOT', country: 'US' } }).memberId).toBe('vip')
    expect(route({ reps, rules, lead: { tier: 'HOT', country: 'DE' } }).memberId).toBe('rest')
    expect(route({ reps, rules, lead: { tier: 'WARM', country: 'US' } }).memberId).toBe('rest')
  })

  it('checks every kind of condition', () => {
    const reps = [rep('a')]
    const only = (conditions: object, lead: Partial<RoutingLead>) => route({ reps, lead, rules: [rule('r', 'round_robin', { conditions })] }).memberId
    expect(only({ country: ['de'] }, { country: 'DE' })).toBe('a')
    expect(only({ country: 'DE' }, { country: 'DE' })).toBe('a')
    expect(only({ country: ['DE'] }, { country: 'AT' })).toBeNull()
    expect(only({ territory: ['US-CA'] }, { country: 'US', regionCode: 'US-CA' })).toBe('a')
    expect(only({ territory: ['US-CA'] }, { country: 'US' })).toBeNull()
    expect(only({ product_interest: ['payroll'] }, { productInterest: 'Payroll and HR' })).toBe('a')
    expect(only({ language: ['German'] }, { language: 'de' })).toBe('a')
    expect(only({ domain: ['acme.com'] }, { domain: 'shop.acme.com' })).toBe('a')
    expect(only({ domain: ['acme.com'] }, { domain: 'notacme.com' })).toBeNull()
    expect(only({ tier: 'HOT' }, { tier: 'WARM' })).toBeNull()
    expect(only({ min_score: 70 }, { score: 69 })).toBeNull()
    expect(only({ min_score: 70 }, { score: 70 })).toBe('a')
    expect(only({ product_interest: ['analytics'], language: ['es'] }, { productInterest: 'Analytics', language: 'en' })).toBeNull()
    expect(only({ product_interest: ['analytics'], language: ['es'] }, { productInterest: 'Analytics', language: 'es' })).toBe('a')
    expect(only(null as never, {})).toBe('a')
  })

  it('skips a rule whose conditions cannot be read instead of matching every lead', () => {
    for (const conditions of [{ tier: 'LUKEWARM' }, { countries: ['US'] }, 'US', 42]) {
      const broken = rule('broken', 'round_robin', { position: 1, conditions })
      expect(route({ reps: [rep('a')], rules: [broken] })).toMatchObject({ fallback: true, reason: expect.stringContaining('broken: conditions unreadable') })
    }
  })

  it('treats an empty target list as the whole team, as stored by default', () => {
    expect(route({ reps: [rep('a')], rules: [rule('rr', 'round_robin', { targetMemberIds: [] })] }).memberId).toBe('a')
  })

  it('explains a fallback when rules found nobody', () => {
    const decision = route({ reps: [rep('a')], rules: [rule('acct', 'account_owner'), rule('terr', 'territory')], lead: { domain: 'x.io' } })
    expect(decision).toEqual({
      memberId: null, rule: null, fallback: true,
      reason: 'No rule found an eligible rep (acct: no account for x.io; terr: the lead has no country or region): fallback queue',
    })
  })

  it('uses round robin for a team without rules', () => {
    expect(route({ reps: [rep('a'), rep('b')], roundRobin: { lastMemberId: 'a', counter: 1 } })).toMatchObject({ memberId: 'b', rule: null, roundRobin: { lastMemberId: 'b', counter: 1 } })
  })
})

describe('exclusion after a missed SLA', () => {
  const rules = [rule('rr', 'round_robin')]

  it('never picks the excluded rep while another is eligible', () => {
    const reps = [rep('a'), rep('b')]
    for (const lastMemberId of [null, 'a', 'b']) {
      expect(route({ reps, rules, excludeMemberIds: ['a'], roundRobin: { lastMemberId, counter: 1 } }).memberId).toBe('b')
    }
  })

  it('skips the excluded account owner', () => {
    const accounts = new Map([['acme.com', 'a']])
    const decision = route({ reps: [rep('a'), rep('b')], accounts, rules: [rule('acct', 'account_owner'), rule('rr', 'round_robin', { position: 1 })], excludeMemberIds: ['a'], lead: { domain: 'acme.com' } })
    expect(decision).toMatchObject({ memberId: 'b', rule: { id: 'rr' } })
  })

  it('allows the excluded rep back when nobody else is eligible, and says so', () => {
    const decision = route({ reps: [rep('a'), rep('b', { availability: 'off' })], rules, excludeMemberIds: ['a'] })
    expect(decision).toMatchObject({ memberId: 'a', fallback: false, reason: expect.stringContaining('the excluded rep is the only one eligible') })
  })
})

describe('round robin fairness', () => {
  function assignMany(reps: RepSnapshot[], count: number, rules: RoutingRule[] = [rule('rr', 'round_robin')]) {
    const team = reps.map(r => ({ ...r }))
    let state: RoundRobinState | null = null
    const counts = new Map<string, number>(team.map(r => [r.id, 0]))
    let fallbacks = 0
    for (let i = 0; i < count; i += 1) {
      const decision = routeLead({ lead: emptyLead, rules, accounts: new Map(), reps: team, roundRobin: state, now })
      if (decision.memberId === null) {
        fallbacks += 1
        continue
      }
      state = decision.roundRobin ?? state
      counts.set(decision.memberId, (counts.get(decision.memberId) ?? 0) + 1)
      const chosen = team.find(r => r.id === decision.memberId)
      if (chosen) chosen.openLeads += 1
      expect(chosen && chosen.openLeads <= chosen.capacity).toBe(true)
    }
    return { counts, fallbacks }
  }

  it('gives equal reps the same number of leads, within one, over 1000 assignments', () => {
    const reps = ['e', 'a', 'd', 'b', 'c'].map(id => rep(id, { capacity: 10_000 }))
    const { counts } = assignMany(reps, 1000)
    expect([...counts.values()]).toEqual([200, 200, 200, 200, 200])
    const odd = assignMany(reps.slice(0, 3), 1000).counts
    const values = [...odd.values()]
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1)
    expect(values.reduce((a, b) => a + b, 0)).toBe(1000)
  })

  it('gives a rep with weight 2 twice the leads', () => {
    const { counts } = assignMany([rep('a', { capacity: 10_000 }), rep('b', { capacity: 10_000, weight: 2 }), rep('c', { capacity: 10_000 })], 1000)
    expect(counts.get('b')).toBe(500)
    expect(counts.get('a')).toBe(250)
    expect(counts.get('c')).toBe(250)
  })

  it('fills a team of 5 reps with capacity 3 evenly and sends the rest to the fallback queue', () => {
    const reps = ['r1', 'r2', 'r3', 'r4', 'r5'].map(id => rep(id, { capacity: 3 }))
    const { counts, fallbacks } = assignMany(reps, 50)
    expect([...counts.values()]).toEqual([3, 3, 3, 3, 3])
    expect(fallbacks).toBe(35)
  })

  it('skips reps who are full and never exceeds anyone\'s capacity', () => {
    const { counts, fallbacks } = assignMany([rep('a', { capacity: 2 }), rep('b', { capacity: 5, weight: 3 }), rep('c', { capacity: 1, openLeads: 1 })], 10)
    expect(Object.fromEntries(counts)).toEqual({ a: 2, b: 5, c: 0 })
    expect(fallbacks).toBe(3)
  })

  it('stays within one lead for equal reps whatever the starting state and team order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 7 }),
        fc.option(fc.record({ lastMemberId: fc.option(fc.string({ maxLength: 4 })), counter: fc.integer({ min: 0, max: 5 }) })),
        fc.integer({ min: 1, max: 300 }),
        (ids, start, count) => {
          const team = ids.map(id => rep(id, { capacity: 10_000 }))
          let state: RoundRobinState | null = start
          const counts = new Map<string, number>(ids.map(id => [id, 0]))
          for (let i = 0; i < count; i += 1) {
            const decision = routeLead({ lead: emptyLead, rules: [], accounts: new Map(), reps: team, roundRobin: state, now })
            state = decision.roundRobin ?? state
            counts.set(decision.memberId as string, (counts.get(decision.memberId as string) ?? 0) + 1)
          }
          const values = [...counts.values()]
          expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1)
        },
      ),
      { numRuns: 200 },
    )
  }, 60_000)
})
