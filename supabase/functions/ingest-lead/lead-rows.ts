// The leads row of an ingested lead, and the dedupe lookup that finds the lead it repeats.
import type { AssignableLead } from '../_shared/assignment/assign-lead.ts'
import type { Tx } from '../_shared/db/postgres.ts'
import type { JsonValue, NormalizedLead } from '../_shared/domain/lead-input.ts'
import type { Tier } from '../_shared/domain/scoring.ts'
import type { ScoredLead } from './lead-score.ts'
import type { LeadSource } from './source-auth.ts'

/** The columns a post can fill, as stored. */
export function contactColumns(lead: NormalizedLead, scored: Pick<ScoredLead, 'industry' | 'companySize'>) {
  return {
    email: lead.email,
    phone: lead.phone,
    first_name: lead.firstName,
    last_name: lead.lastName,
    full_name: lead.fullName,
    company: lead.company,
    domain: lead.domain,
    title: lead.title,
    industry: scored.industry,
    company_size: scored.companySize,
    country: lead.country,
    region: lead.regionCode ?? lead.region,
    product_interest: lead.productInterest,
    language: lead.language,
    message: lead.message,
  }
}

export type ContactColumns = ReturnType<typeof contactColumns>

export function utmColumn(lead: NormalizedLead): Record<string, string> {
  return Object.fromEntries(Object.entries(lead.utm).map(([key, value]) => [`utm_${key}`, value]))
}

export interface NewLeadRow {
  /** Chosen here, so the lead's other writes can go out together with its insert. */
  id: string
  source: LeadSource
  lead: NormalizedLead
  scored: ScoredLead
  raw: JsonValue
  isSpam: boolean
  now: Date
  /** The owner and SLA columns of its assignment (assignmentColumns); none for spam. */
  assignment?: Record<string, unknown>
}

/** Inserts the lead, already assigned when `row.assignment` says so; sent right away (its events must follow it). */
export function insertLead(tx: Tx, row: NewLeadRow): Promise<unknown> {
  const { source, lead, scored, isSpam, now } = row
  return tx`
    insert into public.leads ${tx({
      id: row.id,
      org_id: source.org_id,
      source_id: source.id,
      team_id: source.team_id,
      ...contactColumns(lead, scored),
      utm: tx.json(utmColumn(lead)),
      attributes: tx.json(lead.attributes),
      raw_payload: tx.json(row.raw),
      consent: lead.consent ?? false,
      score: isSpam ? 0 : scored.score,
      score_explanation: tx.json((isSpam ? {} : scored.explanation) as JsonValue),
      tier: isSpam ? 'COLD' : scored.tier,
      is_spam: isSpam,
      // Spam never merges with real leads, nor they with it.
      dedupe_email: isSpam ? null : lead.dedupeKeys.email,
      dedupe_phone: isSpam ? null : lead.dedupeKeys.phone,
      created_at: now,
      ...row.assignment,
    })}`.execute()
}

/** The new lead as assignment reads it, before it is stored. */
export function assignableLead(row: Omit<NewLeadRow, 'assignment'>): AssignableLead {
  const columns = contactColumns(row.lead, row.scored)
  return {
    id: row.id,
    org_id: row.source.org_id,
    team_id: row.source.team_id,
    source_id: row.source.id,
    tier: row.scored.tier,
    score: row.scored.score,
    domain: columns.domain,
    country: columns.country,
    region: columns.region,
    product_interest: columns.product_interest,
    language: columns.language,
    status: 'new',
    assigned_to: null,
    sla_due_at: null,
  }
}

export interface ExistingLead extends ContactColumns {
  id: string
  org_id: string
  team_id: string | null
  source_id: string | null
  status: string
  assigned_to: string | null
  in_fallback_queue: boolean
  score: number
  tier: Tier
  score_explanation: Record<string, unknown>
  utm: Record<string, unknown>
  consent: boolean
  reengaged_count: number
  sla_state: string
  sla_due_at: Date | null
  created_at: Date
  dedupe_email: string | null
  dedupe_phone: string | null
}

/**
 * The organization's latest lead with the same email or phone, locked. Takes a transaction-scoped
 * lock per dedupe key first, so two posts of one new person cannot both create a lead.
 */
export async function findDuplicate(tx: Tx, orgId: string, keys: NormalizedLead['dedupeKeys']): Promise<ExistingLead | null> {
  const lockKeys = [keys.email === null ? null : `${orgId}|email|${keys.email}`, keys.phone === null ? null : `${orgId}|phone|${keys.phone}`]
    .filter((key): key is string => key !== null)
    .sort()
  if (lockKeys.length === 0)
    return null
  // In a fixed order, so two posts sharing both keys never wait on each other crosswise. Both
  // statements go out now (pipelined), ahead of anything the caller sends in the same tick.
  const locked = tx`select pg_advisory_xact_lock(hashtextextended(key, 0)) from unnest(${lockKeys}::text[]) with ordinality as k (key, n) order by n`.execute()
  const found = tx<ExistingLead[]>`
    select id, org_id, team_id, source_id, status, assigned_to, in_fallback_queue, score, tier, score_explanation, utm, consent,
           reengaged_count, sla_state, sla_due_at, created_at, dedupe_email, dedupe_phone,
           email, phone, first_name, last_name, full_name, company, domain, title, industry, company_size, country, region,
           product_interest, language, message
    from public.leads
    where org_id = ${orgId} and not is_spam
      and (dedupe_email = ${keys.email} or dedupe_phone = ${keys.phone})
    order by created_at desc, id
    limit 1
    for update`.execute()
  const [, [existing]] = await Promise.all([locked, found])
  return existing ?? null
}
