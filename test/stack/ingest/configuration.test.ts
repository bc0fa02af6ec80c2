// Configuration ingest-lead reads: an organization's own scoring rules (used when valid, the
// defaults with a note when not) and who may edit them and the reps' routing weights.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultScoringRules } from '../../../supabase/functions/_shared/domain/scoring.ts'
import type { ScoringRules } from '../../../supabase/functions/_shared/domain/scoring.ts'
import { signedInClient, sqlClient } from '../../support/clients.ts'
import type { OrgFixture } from '../database/fixture.ts'
import type { IngestAnswer } from './support.ts'
import { createIngestOrg, eventsOf, postLead, uniqueEmail } from './support.ts'

let sql: pg.Client

beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

const wizardRules: ScoringRules = {
  ...defaultScoringRules,
  tiers: { hot: 50, warm: 20 },
  fit: { ...defaultScoringRules.fit, titles: [{ keywords: ['wizard'], points: 50, label: 'Wizard title' }] },
}

async function setScoringRules(org: OrgFixture, rules: unknown): Promise<void> {
  await sql.query('update public.organizations set scoring_rules = $2 where id = $1', [org.orgId, rules === null ? null : JSON.stringify(rules)])
}

async function ingestWizard(org: OrgFixture): Promise<{ answer: IngestAnswer, lead: { score: number, tier: string, score_explanation: Record<string, unknown> }, scored: Record<string, unknown> }> {
  const response = await postLead({ name: 'Merlin', title: 'Chief Wizard', email: uniqueEmail('wizard') }, { key: org.sourceKey })
  expect(response.status).toBe(201)
  const answer = await response.json() as IngestAnswer
  const { rows: [lead] } = await sql.query('select score, tier, score_explanation from public.leads where id = $1', [answer.lead_id])
  const scored = (await eventsOf(sql, answer.lead_id)).find(event => event.type === 'scored')!.details
  return { answer, lead, scored }
}

describe('organization scoring rules', () => {
  let org: OrgFixture
  beforeAll(async () => {
    org = await createIngestOrg(sql, 'scoring', { reps: 1 })
  })

  it('scores with the defaults when the organization has none', async () => {
    await setScoringRules(org, null)
    const { lead, scored } = await ingestWizard(org)
    // "Chief" is a C-level title by default: 25 + inbound form 8 + new in the last hour 10.
    expect(lead).toMatchObject({ score: 43, tier: 'WARM', score_explanation: { rules: 'default' } })
    expect(scored).toMatchObject({ rules: 'default' })
    expect(scored).not.toHaveProperty('rules_problem')
  })

  it('scores with the organization\'s own rules and tiers, and the explanation says so', async () => {
    await setScoringRules(org, wizardRules)
    const { lead, scored } = await ingestWizard(org)
    // 50 + 8 + 10 = 68: HOT by the organization's threshold of 50 (WARM by the default 70).
    expect(lead.score).toBe(68)
    expect(lead.tier).toBe('HOT')
    expect(lead.score_explanation).toMatchObject({ rules: 'organization', tier: 'HOT' })
    expect(lead.score_explanation.reasons).toContainEqual({ factor: 'title', points: 50, reason: 'Wizard title +50' })
    expect(scored).toMatchObject({ score: 68, tier: 'HOT', rules: 'organization' })
  })

  it('scores with the defaults and says why when the stored rules are invalid, never failing the post', async () => {
    await setScoringRules(org, { ...wizardRules, tiers: { hot: 10, warm: 60 } })
    const { lead, scored } = await ingestWizard(org)
    expect(lead).toMatchObject({ score: 43, tier: 'WARM', score_explanation: { rules: 'default' } })
    expect(scored).toMatchObject({ rules: 'default', rules_problem: expect.stringMatching(/HOT threshold must be above the WARM one.*defaults/) })
  })

  it('uses the organization\'s tiers for a lead that comes back', async () => {
    const email = uniqueEmail('returning')
    // Default tiers would make 43 + 10 WARM; the organization's make the re-engaged lead HOT.
    await setScoringRules(org, null)
    const first = await (await postLead({ name: 'Morgana', title: 'Chief Wizard', email }, { key: org.sourceKey })).json() as IngestAnswer
    await setScoringRules(org, { ...wizardRules, fit: defaultScoringRules.fit })
    const again = await postLead({ name: 'Morgana', title: 'Chief Wizard', email }, { key: org.sourceKey })
    expect(again.status).toBe(200)
    const { rows: [lead] } = await sql.query('select score, tier from public.leads where id = $1', [first.lead_id])
    expect(lead).toEqual({ score: 53, tier: 'HOT' })
  })
})

describe('who may edit the configuration ingest reads', () => {
  let org: OrgFixture
  beforeAll(async () => {
    org = await createIngestOrg(sql, 'config-access', { reps: 1 })
  })

  it('lets an admin set a rep\'s routing weight and the organization\'s scoring rules', async () => {
    const admin = await signedInClient(org.admin.email)
    const weight = await admin.from('members').update({ routing_weight: 3 }).eq('id', org.reps[0]!.id).select('routing_weight')
    expect(weight.error).toBeNull()
    expect(weight.data).toEqual([{ routing_weight: 3 }])
    const rules = await admin.from('organizations').update({ scoring_rules: wizardRules as never }).eq('id', org.orgId).select('scoring_rules')
    expect(rules.error).toBeNull()
    expect(rules.data).toEqual([{ scoring_rules: wizardRules }])
  })

  it('refuses a weight outside 1..100', async () => {
    const admin = await signedInClient(org.admin.email)
    for (const routing_weight of [0, 101]) {
      const { error } = await admin.from('members').update({ routing_weight }).eq('id', org.reps[0]!.id)
      expect(error?.code).toBe('23514')
    }
  })

  it('does not let a rep change their own weight or the scoring rules', async () => {
    await sql.query('update public.members set routing_weight = 1 where id = $1', [org.reps[0]!.id])
    await setScoringRules(org, null)
    const rep = await signedInClient(org.reps[0]!.email)
    const weight = await rep.from('members').update({ routing_weight: 9 }).eq('id', org.reps[0]!.id)
    expect(weight.error?.code).toBe('42501')
    // Their own availability stays theirs to change.
    const availability = await rep.from('members').update({ availability: 'break' }).eq('id', org.reps[0]!.id)
    expect(availability.error).toBeNull()
    const rules = await rep.from('organizations').update({ scoring_rules: wizardRules as never }).eq('id', org.orgId).select('id')
    expect(rules.data).toEqual([])
    const { rows: [stored] } = await sql.query(
      'select m.routing_weight, o.scoring_rules from public.members m join public.organizations o on o.id = m.org_id where m.id = $1',
      [org.reps[0]!.id],
    )
    expect(stored).toEqual({ routing_weight: 1, scoring_rules: null })
  })
})
