// One ingest, all in one transaction: the idempotency claim, the lead (new, merged or spam), its
// events, the assignment with its SLA clock, the acknowledgment and the alert plan. Either all of
// it is committed or none of it.
import { assignmentColumns, planAssignment, recordAssignment } from '../_shared/assignment/assign-lead.ts'
import { findSlaPolicy, startSlaClock } from '../_shared/assignment/sla-clock.ts'
import type { CommitAfter, Tx } from '../_shared/db/postgres.ts'
import type { JsonValue, NormalizedLead } from '../_shared/domain/lead-input.ts'
import type { StoredAnswer } from './idempotency.ts'
import { claimKey, saveAnswer } from './idempotency.ts'
import { queueAck } from './acknowledgment.ts'
import type { AckContext } from './acknowledgment.ts'
import type { AlertSender, PlannedAlert } from './lead-alert.ts'
import { planAlert } from './lead-alert.ts'
import type { ExistingLead } from './lead-rows.ts'
import { assignableLead, findDuplicate, insertLead } from './lead-rows.ts'
import type { ScoredLead } from './lead-score.ts'
import { scoredEventDetails, scoreNewLead, scoringRulesOf } from './lead-score.ts'
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

/** What a path decided, with its writes still in flight (they go out with the COMMIT). */
interface Pending {
  answer: StoredAnswer
  writes: Array<Promise<unknown> | null>
  alerting: Promise<PlannedAlert | null> | null
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

/** Appends events in their order; sent right away, so they land behind what was sent before. */
function appendEvents(tx: Tx, leadId: string, orgId: string, now: Date, events: Array<{ type: string, details: Record<string, unknown> }>): Promise<unknown> {
  return tx`
    insert into public.lead_events (lead_id, org_id, type, occurred_at, details)
    select ${leadId}, ${orgId}, (e.event ->> 'type')::public.lead_event_type, ${now}, e.event -> 'details'
    from jsonb_array_elements(${tx.json(events as JsonValue)}) with ordinality as e (event, n)
    order by e.n`.execute()
}

function acknowledge(tx: Tx, leadId: string, input: IngestInput): Promise<unknown> | null {
  const { source, lead, now } = input
  return queueAck(tx, { id: leadId, orgId: source.org_id, sourceId: source.id, now }, source.ack_template, ackContext(lead, source))
}

/** Scored by the organization's own rules when it has valid ones. */
function scoreOf({ lead, source, now }: IngestInput): ScoredLead {
  return scoreNewLead(lead, { channel: source.channel, defaultTier: source.default_tier, now, rules: scoringRulesOf(source.scoring_rules) })
}

async function ingestSpam(tx: Tx, input: IngestInput): Promise<Pending> {
  const { source, lead, now } = input
  const scored = scoreOf(input)
  const id = crypto.randomUUID()
  const writes = [
    insertLead(tx, { id, source, lead, scored, raw: input.raw, isSpam: true, now }),
    appendEvents(tx, id, source.org_id, now, [
      { type: 'created', details: { source_id: source.id, source: source.name } },
      { type: 'spam_flagged', details: { reason: 'honeypot field filled' } },
    ]),
  ]
  // Answered like a real lead waiting in a fallback queue that has no owner, so a bot learns
  // nothing: status new, nobody assigned (true: no member id is handed out for a lead nobody
  // will work), and the SLA due time its policy gives now, as a real lead's answer has.
  const policy = await findSlaPolicy(tx, { orgId: source.org_id, sourceId: source.id, tier: scored.tier })
  const slaDueAt = policy === null ? null : startSlaClock(policy, now).deadlines.dueAt.toISOString()
  return { answer: { status: 201, body: { lead_id: id, status: 'new', assigned_to: null, sla_due_at: slaDueAt } }, writes, alerting: null }
}

async function ingestDuplicate(tx: Tx, existing: ExistingLead, input: IngestInput, scored: ScoredLead): Promise<Pending> {
  const { source, lead, now } = input
  const merged = await mergeLead(tx, existing, { source, lead, scored, raw: input.raw, now })
  const alerting = merged.alertMember === null
    ? null
    : planAlert(tx, {
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
    writes: [acknowledge(tx, existing.id, input)],
    alerting,
  }
}

/**
 * A lead that is not spam, in three round trips: the duplicate check and the assignment reads go
 * out together (the team's round robin is locked from there), then every write with the COMMIT
 * right behind; so the team stays locked as briefly as possible.
 */
async function ingestLead(tx: Tx, input: IngestInput): Promise<Pending> {
  const { source, lead, now } = input
  const scored = scoreOf(input)
  const row = { id: crypto.randomUUID(), source, lead, scored, raw: input.raw, isSpam: false, now }
  const options = { now, reason: 'new_lead' }
  const [existing, plan] = await Promise.all([
    findDuplicate(tx, source.org_id, lead.dedupeKeys),
    planAssignment(tx, assignableLead(row), options),
  ])
  if (existing !== null)
    return await ingestDuplicate(tx, existing, input, scored)

  // Sent in this order: the lead first, then what refers to it.
  const writes = [
    insertLead(tx, { ...row, assignment: assignmentColumns(plan, now) }),
    appendEvents(tx, row.id, source.org_id, now, [
      { type: 'created', details: { source_id: source.id, source: source.name, channel: source.channel } },
      { type: 'scored', details: scoredEventDetails(scored) },
    ]),
    ...recordAssignment(tx, { id: row.id, org_id: source.org_id, team_id: source.team_id }, plan, options),
    acknowledge(tx, row.id, input),
  ]
  const alerting = plan.alertMember === null
    ? null
    : planAlert(tx, {
        id: row.id,
        orgId: source.org_id,
        tier: scored.tier,
        fullName: lead.fullName,
        email: lead.email,
        phone: lead.phone,
        company: lead.company,
        sourceName: source.name,
        waitingSince: now,
        slaDueAt: plan.slaDueAt,
      }, plan.alertMember, input.sender, now)
  return {
    answer: {
      status: 201,
      body: { lead_id: row.id, status: plan.status, assigned_to: plan.assignedTo, sla_due_at: plan.slaDueAt?.toISOString() ?? null },
    },
    writes,
    alerting,
  }
}

/** The whole ingest in the caller's transaction, committed through `commitAfter` with its last writes. */
export async function ingest(tx: Tx, input: IngestInput, commitAfter: CommitAfter): Promise<IngestOutcome> {
  const { idempotency, source } = input
  if (idempotency !== null) {
    const stored = await claimKey(tx, source.id, idempotency.key, idempotency.requestHash, input.now)
    if (stored !== null) {
      await commitAfter([])
      return { answer: stored, replayed: true, alert: null }
    }
  }
  const pending = input.isSpam ? await ingestSpam(tx, input) : await ingestLead(tx, input)
  const saving = idempotency === null
    ? null
    : saveAnswer(tx, source.id, idempotency.key, pending.answer, String(pending.answer.body.lead_id))
  await commitAfter([...pending.writes, pending.alerting, saving])
  return { answer: pending.answer, replayed: false, alert: await pending.alerting }
}
