// Result types of the queries the rep's phone makes, written out by hand: src/types/database.ts is
// still a placeholder until `npm run db:types` generates it. Names and values follow the schema
// (supabase/migrations), so each can become `Tables<'leads'>` & co. once the types are generated.

export type LeadTier = 'HOT' | 'WARM' | 'COLD'
export type LeadStatus = 'new' | 'assigned' | 'attempting' | 'contacted' | 'qualified' | 'converted' | 'disqualified' | 'nurture'
export type SlaState = 'none' | 'running' | 'met' | 'breached' | 'escalated'
export type MemberAvailability = 'on_shift' | 'break' | 'off'
export type ContactChannel = 'phone' | 'sms' | 'email' | 'chat' | 'video' | 'in_person' | 'other'

/** public.disposition_outcome, in the order the disposition sheet offers them. */
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
] as const
export type DispositionOutcome = typeof dispositionOutcomes[number]

export type LeadEventType
  = | 'created' | 're_engaged' | 'merged' | 'scored' | 'routed' | 'assigned' | 'reassigned' | 'unassigned'
    | 'fallback_queued' | 'reminded' | 'breached' | 'escalated' | 'push_pending' | 'push_sent' | 'push_failed'
    | 'nudged' | 'contact_attempted' | 'disposition' | 'status_changed' | 'callback_scheduled' | 'ack_queued'
    | 'spam_flagged' | 'note'

type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

/** The columns of public.leads the phone shows and caches (not raw_payload, not the dedupe keys). */
export const leadColumns = [
  'id', 'org_id', 'source_id', 'team_id', 'email', 'phone', 'first_name', 'last_name', 'full_name', 'company',
  'title', 'industry', 'company_size', 'country', 'region', 'product_interest', 'language', 'message', 'utm',
  'score', 'score_explanation', 'tier', 'status', 'assigned_to', 'assigned_at', 'first_contact_at',
  'sla_due_at', 'sla_state', 'next_attempt_at', 'callback_at', 'attempt_count', 'in_fallback_queue',
  'reengaged_count', 'reengaged_at', 'created_at', 'updated_at',
] as const

export interface LeadRow {
  id: string
  org_id: string
  source_id: string | null
  team_id: string | null
  email: string | null
  phone: string | null
  first_name: string | null
  last_name: string | null
  full_name: string | null
  company: string | null
  title: string | null
  industry: string | null
  company_size: string | null
  country: string | null
  region: string | null
  product_interest: string | null
  language: string | null
  message: string | null
  utm: Json
  score: number
  score_explanation: Json
  tier: LeadTier
  status: LeadStatus
  assigned_to: string | null
  assigned_at: string | null
  first_contact_at: string | null
  sla_due_at: string | null
  sla_state: SlaState
  next_attempt_at: string | null
  callback_at: string | null
  attempt_count: number
  in_fallback_queue: boolean
  reengaged_count: number
  reengaged_at: string | null
  created_at: string
  updated_at: string
}

export interface LeadEventRow {
  id: number
  lead_id: string
  type: LeadEventType
  actor_id: string | null
  occurred_at: string
  details: { [key: string]: Json | undefined }
}

export interface DispositionRow {
  id: string
  lead_id: string
  outcome: DispositionOutcome
  notes: string | null
  callback_at: string | null
  channel: ContactChannel
  occurred_at: string
}

export interface LeadSourceRow {
  id: string
  name: string
  channel: string
}

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
}

/** One call outcome as sync_dispositions() takes it; `id` is generated on the device. */
export interface DispositionInput {
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
