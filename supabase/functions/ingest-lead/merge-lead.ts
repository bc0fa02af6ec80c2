// A post from someone the organization already has a lead for: the lead is completed with what
// it lacked, counted as re-engaged with its priority raised, and goes back to its owner while the
// owner is still active; otherwise it is routed again.
import { assignLead } from '../_shared/assignment/assign-lead.ts'
import { findSlaPolicy, startSlaClock } from '../_shared/assignment/sla-clock.ts'
import type { Tx } from '../_shared/db/postgres.ts'
import type { JsonValue, NormalizedLead } from '../_shared/domain/lead-input.ts'
import type { Tier } from '../_shared/domain/scoring.ts'
import type { ScoredLead } from './lead-score.ts'
import { rescoreReengaged } from './lead-score.ts'
import type { ExistingLead } from './lead-rows.ts'
import { contactColumns, utmColumn } from './lead-rows.ts'
import type { LeadSource } from './source-auth.ts'

const closedStatuses = new Set(['nurture', 'disqualified'])

export interface MergeOutcome {
  assignedTo: string | null
  slaDueAt: Date | null
  tier: Tier
  /** Who to alert about the returning lead (its owner or the newly routed rep), with their push preference. */
  alertMember: { id: string, pushWarm: boolean } | null
}

export interface MergeInput {
  source: LeadSource
  lead: NormalizedLead
  scored: ScoredLead
  raw: JsonValue
  now: Date
}

export async function mergeLead(tx: Tx, existing: ExistingLead, input: MergeInput): Promise<MergeOutcome> {
  const { source, lead, scored, now } = input
  const incoming = contactColumns(lead, scored)
  const filled = (Object.keys(incoming) as Array<keyof typeof incoming>)
    .filter(column => existing[column] === null && incoming[column] !== null)
  const reengagedCount = existing.reengaged_count + 1
  const priority = rescoreReengaged(
    { score: existing.score, tier: existing.tier, explanation: existing.score_explanation ?? {} },
    scored,
    reengagedCount,
  )

  const [owner] = existing.assigned_to === null || existing.in_fallback_queue
    ? []
    : await tx<{ id: string, push_warm: boolean }[]>`
        select id, push_warm from public.members where id = ${existing.assigned_to} and active`
  const converted = existing.status === 'converted'
  const keepOwner = owner !== undefined || converted
  const status = closedStatuses.has(existing.status) ? (keepOwner ? 'assigned' : 'new') : existing.status

  const utm = utmColumn(lead)
  // Only empty fields are filled: what the lead told us first stays.
  await tx`
    update public.leads set
      email = coalesce(email, ${incoming.email}), phone = coalesce(phone, ${incoming.phone}),
      first_name = coalesce(first_name, ${incoming.first_name}), last_name = coalesce(last_name, ${incoming.last_name}),
      full_name = coalesce(full_name, ${incoming.full_name}), company = coalesce(company, ${incoming.company}),
      domain = coalesce(domain, ${incoming.domain}), title = coalesce(title, ${incoming.title}),
      industry = coalesce(industry, ${incoming.industry}), company_size = coalesce(company_size, ${incoming.company_size}),
      country = coalesce(country, ${incoming.country}), region = coalesce(region, ${incoming.region}),
      product_interest = coalesce(product_interest, ${incoming.product_interest}),
      language = coalesce(language, ${incoming.language}), message = coalesce(message, ${incoming.message}),
      utm = case when utm = '{}'::jsonb then ${tx.json(utm)} else utm end,
      attributes = ${tx.json(lead.attributes)} || attributes,
      consent = consent or ${lead.consent ?? false},
      dedupe_email = coalesce(dedupe_email, ${lead.dedupeKeys.email}),
      dedupe_phone = coalesce(dedupe_phone, ${lead.dedupeKeys.phone}),
      reengaged_count = ${reengagedCount},
      reengaged_at = ${now},
      score = ${priority.score},
      tier = ${priority.tier},
      score_explanation = ${tx.json(priority.explanation as JsonValue)},
      status = ${status}
    where id = ${existing.id}`

  let assignedTo = existing.assigned_to
  let slaDueAt = existing.sla_due_at
  let alertMember = owner === undefined ? null : { id: owner.id, pushWarm: owner.push_warm }
  const reengaged: Record<string, unknown> = {
    count: reengagedCount,
    source_id: source.id,
    score: { from: existing.score, to: priority.score },
    tier: { from: existing.tier, to: priority.tier },
  }
  if (converted) {
    reengaged.owner = 'kept (the lead is converted)'
  }
  else if (owner !== undefined) {
    // Back to its owner with a fresh clock, unless the one running is due sooner.
    const policy = await findSlaPolicy(tx, { orgId: existing.org_id, sourceId: existing.source_id, tier: priority.tier })
    if (policy !== null) {
      const clock = startSlaClock(policy, now)
      const runningSooner = existing.sla_state === 'running' && existing.sla_due_at !== null && existing.sla_due_at < clock.deadlines.dueAt
      if (!runningSooner) {
        slaDueAt = clock.deadlines.dueAt
        await tx`
          update public.leads set sla_policy_id = ${clock.policyId}, sla_started_at = ${clock.deadlines.clockStartsAt},
            sla_due_at = ${clock.deadlines.dueAt}, sla_state = 'running', sla_reminded_at = null
          where id = ${existing.id}`
      }
    }
    reengaged.owner = 'kept: still active'
  }
  else {
    const assignment = await assignLead(tx, existing.id, { now, reason: 're_engaged' })
    assignedTo = assignment.assignedTo
    slaDueAt = assignment.slaDueAt
    alertMember = assignment.alertMember
    reengaged.owner = existing.assigned_to === null ? 'routed: it had no owner' : 'routed again: the owner is inactive or it waited in the fallback queue'
  }
  reengaged.assigned_to = assignedTo
  reengaged.sla_due_at = slaDueAt?.toISOString() ?? null

  await tx`
    insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
    values
      (${existing.id}, ${existing.org_id}, 'merged', ${now},
       ${tx.json({ source_id: source.id, source: source.name, filled, raw_payload: input.raw })}),
      (${existing.id}, ${existing.org_id}, 're_engaged', ${now}, ${tx.json(reengaged as JsonValue)})`
  return { assignedTo, slaDueAt, tier: priority.tier, alertMember: converted ? null : alertMember }
}
