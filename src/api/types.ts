// The shapes the rep's phone works with, from the generated schema types (`npm run db:types`),
// plus the answers of the RPCs that return JSON, whose shape the schema cannot state.
import type { Enums, Json, Tables } from '../types/database'

export type LeadTier = Enums<'lead_tier'>
export type LeadStatus = Enums<'lead_status'>
export type SlaState = Enums<'sla_state'>
export type MemberAvailability = Enums<'member_availability'>
export type ContactChannel = Enums<'contact_channel'>
export type DispositionOutcome = Enums<'disposition_outcome'>
export type LeadEventType = Enums<'lead_event_type'>

/** Every outcome, in the order the disposition sheet offers them. */
export const dispositionOutcomes = [
  'connected',
  'no_answer',
  'voicemail',
  'callback',
  'meeting_booked',
  'qualified',
  'not_interested',
  'disqualified',
  'wrong_number',
  'bad_number',
] as const satisfies readonly DispositionOutcome[]

/** The columns of public.leads the phone shows and caches (not raw_payload, not the dedupe keys). */
export const leadColumns = [
  'id', 'org_id', 'source_id', 'team_id', 'email', 'phone', 'first_name', 'last_name', 'full_name', 'company',
  'title', 'industry', 'company_size', 'country', 'region', 'product_interest', 'language', 'message', 'utm',
  'score', 'score_explanation', 'tier', 'status', 'assigned_to', 'assigned_at', 'first_contact_at',
  'sla_due_at', 'sla_state', 'next_attempt_at', 'callback_at', 'attempt_count', 'in_fallback_queue',
  'reengaged_count', 'reengaged_at', 'created_at', 'updated_at',
] as const

/** A lead as the phone shows and caches it. */
export type LeadRow = Pick<Tables<'leads'>, typeof leadColumns[number]>

/** An event of a lead's trail; `details` is always a JSON object (a check constraint says so). */
export type LeadEventRow = Pick<Tables<'lead_events'>, 'id' | 'lead_id' | 'type' | 'actor_id' | 'occurred_at'> & {
  details: { [key: string]: Json | undefined }
}

export type DispositionRow = Pick<Tables<'dispositions'>, 'id' | 'lead_id' | 'outcome' | 'notes' | 'callback_at' | 'channel' | 'occurred_at'>

export type LeadSourceRow = Pick<Tables<'lead_sources'>, 'id' | 'name' | 'channel'>

/** What queue_summary() answers. */
export interface QueueSummary {
  ready: number
  own_ready: number
  pool_ready: number
  scheduled: number
  next_scheduled_at: string | null
  open_leads: number
  capacity: number
  availability: MemberAvailability
  upcoming_callbacks: Array<{ lead_id: string, full_name: string | null, company: string | null, callback_at: string }>
  /** The server's now() when it answered (ISO), for countdowns that do not trust the phone's clock. */
  generated_at: string
}

/** One call outcome as sync_dispositions() takes it; `id` is generated on the device. (A type alias, so it is JSON.) */
export type DispositionInput = {
  id: string
  lead_id: string
  outcome: DispositionOutcome
  notes: string | null
  callback_at: string | null
  channel: ContactChannel
  occurred_at: string
}

/** sync_dispositions() answers one of these per item, in order. */
export interface DispositionResult {
  id: string | null
  status: 'applied' | 'duplicate' | 'rejected'
  error: string | null
}

/** A tap on Call (or SMS, email) as record_contact_attempt() takes it. */
export interface ContactAttemptInput {
  id: string
  lead_id: string
  occurred_at: string
  channel: ContactChannel
}
