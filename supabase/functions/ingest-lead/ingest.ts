// One ingest, all in one transaction: the idempotency claim, the lead (new, merged or spam), its
// events, the assignment with its SLA clock, the acknowledgment and the alert plan. Either all of
// it is committed or none of it.
import { assignLead } from '../_shared/assignment/assign-lead.ts'
import type { Tx } from '../_shared/db/postgres.ts'
import type { JsonValue, NormalizedLead } from '../_shared/domain/lead-input.ts'
import type { StoredAnswer } from './idempotency.ts'
import { claimKey, saveAnswer } from './idempotency.ts'
import { queueAck } from './acknowledgment.ts'
import type { AckContext } from './acknowledgment.ts'
import type { AlertSender, PlannedAlert } from './lead-alert.ts'
import { planAlert } from './lead-alert.ts'
import { findDuplicate, insertLead } from './lead-rows.ts'
import { scoreNewLead } from './lead-score.ts'
import { mergeLead } from './merge-lead.ts'
import type { LeadSource } from './source-auth.ts'

export interface IngestInput {
  source: LeadSource
  lead: NormalizedLead
  isSpam: boolean
  raw: JsonValue
  now: Date
  idempotency: { key: string, requestHash: string } | null
  sender: AlertSender | null
}

export interface IngestOutcome {
  answer: StoredAnswer
  /** The first answer for this Idempotency-Key, replayed. */
  replayed: boolean
  /** To send once the transaction has committed. */
  alert: PlannedAlert | null
}

function ackContext(lead: NormalizedLead, source: LeadSource): AckContext {
  return {
    firstName: lead.firstName,
    lastName: lead.lastName,
    fullName: lead.fullName,
    company: lead.company,
    email: lead.email,
    phone: lead.phone,
    sourceName: source.name,
    orgName: source.org_name,
  }
}

async function appendEvents(tx: Tx, leadId: string, orgId: string, now: Date, events: Array<{ type: string, details: Record<string, unknown> }>): Promise<void> {
  if (events.length === 0)
    return
  await tx`
    insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
    select ${leadId}, ${orgId}, e.type::public.lead_event_type, ${now}, e.details
    from jsonb_to_recordset(${tx.json(events as JsonValue)}) as e (type text, details jsonb)`
}

async function acknowledge(tx: Tx, leadId: string, input: IngestInput): Promise<Array<{ type: string, details: Record<string, unknown> }>> {
  const { source, lead, now } = input
  const ack = await queueAck(tx, { id: leadId, orgId: source.org_id, sourceId: source.id, now }, source.ack_template, ackContext(lead, source))
  return ack === null ? [] : [{ type: 'ack_queued', details: { message_id: ack.id, channel: ack.channel } }]
}

async function ingestNew(tx: Tx, input: IngestInput): Promise<Omit<IngestOutcome, 'replayed'>> {
  const { source, lead, isSpam, now } = input
  const scored = scoreNewLead(lead, { channel: source.channel, defaultTier: source.default_tier, now })

  if (isSpam) {
    const leadId = await insertLead(tx, { source, lead, scored, raw: input.raw, isSpam, now })
    await appendEvents(tx, leadId, source.org_id, now, [
      { type: 'created', details: { source_id: source.id, source: source.name } },
      { type: 'spam_flagged', details: { reason: 'honeypot field filled' } },
    ])
    // Answered like any new lead, so a bot learns nothing.
    return { answer: { status: 201, body: { lead_id: leadId, status: 'new', assigned_to: null, sla_due_at: null } }, alert: null }
  }

  const existing = await findDuplicate(tx, source.org_id, lead.dedupeKeys)
  if (existing !== null) {
    const merged = await mergeLead(tx, existing, { source, lead, scored, raw: input.raw, now })
    await appendEvents(tx, existing.id, source.org_id, now, await acknowledge(tx, existing.id, input))
    const alert = merged.alertMember === null
      ? null
      : await planAlert(tx, {
          id: existing.id,
          orgId: source.org_id,
          tier: merged.tier,
          fullName: existing.full_name ?? lead.fullName,
          email: existing.email ?? lead.email,
          phone: existing.phone ?? lead.phone,
          company: existing.company ?? lead.company,
          sourceName: source.name,
          waitingSince: now,
          slaDueAt: merged.slaDueAt,
        }, merged.alertMember, input.sender, now)
    return {
      answer: {
        status: 200,
        body: { lead_id: existing.id, status: 'merged', assigned_to: merged.assignedTo, sla_due_at: merged.slaDueAt?.toISOString() ?? null },
      },
      alert,
    }
  }

  const leadId = await insertLead(tx, { source, lead, scored, raw: input.raw, isSpam, now })
  await appendEvents(tx, leadId, source.org_id, now, [
    { type: 'created', details: { source_id: source.id, source: source.name, channel: source.channel } },
    { type: 'scored', details: { score: scored.score, tier: scored.tier, reasons: scored.explanation.reasons } },
  ])
  const assignment = await assignLead(tx, leadId, { now, reason: 'new_lead' })
  await appendEvents(tx, leadId, source.org_id, now, await acknowledge(tx, leadId, input))
  const alert = assignment.rep === null
    ? null
    : await planAlert(tx, {
        id: leadId,
        orgId: source.org_id,
        tier: scored.tier,
        fullName: lead.fullName,
        email: lead.email,
        phone: lead.phone,
        company: lead.company,
        sourceName: source.name,
        waitingSince: now,
        slaDueAt: assignment.slaDueAt,
      }, assignment.rep, input.sender, now)
  return {
    answer: {
      status: 201,
      body: { lead_id: leadId, status: assignment.status, assigned_to: assignment.assignedTo, sla_due_at: assignment.slaDueAt?.toISOString() ?? null },
    },
    alert,
  }
}

export async function ingest(tx: Tx, input: IngestInput): Promise<IngestOutcome> {
  const { idempotency, source } = input
  if (idempotency !== null) {
    const stored = await claimKey(tx, source.id, idempotency.key, idempotency.requestHash)
    if (stored !== null)
      return { answer: stored, replayed: true, alert: null }
  }
  const outcome = await ingestNew(tx, input)
  if (idempotency !== null)
    await saveAnswer(tx, source.id, idempotency.key, outcome.answer, String(outcome.answer.body.lead_id))
  return { ...outcome, replayed: false }
}
