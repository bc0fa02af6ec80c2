// The manager's board and metrics: typed calls to the RPCs of
// supabase/migrations/20261125000200_manager_board.sql and 20261125000300_manager_metrics.sql,
// and the live changes that tell the board to look again.
import { unwrap } from './errors'
import { invokeFunction } from './functions'
import type { LiveStatus } from './live'
import type { MemberRole } from './member'
import { joinChannel, restClient } from './supabase'
import type { LeadStatus, LeadTier, MemberAvailability, SlaState } from './types'

/** A lead as the board lists it. */
export interface BoardLead {
  lead_id: string
  name: string
  company: string | null
  tier: LeadTier
  score: number
  status: LeadStatus
  source_name: string | null
  owner_id: string | null
  owner_name: string | null
  created_at: string
  sla_state: SlaState
  sla_started_at: string | null
  sla_due_at: string | null
  sla_breached_at: string | null
  in_fallback_queue: boolean
}

/** One active member of the organization as the board shows them. */
export interface TeamMemberStatus {
  member_id: string
  full_name: string
  role: MemberRole
  team_id: string | null
  availability: MemberAvailability
  availability_changed_at: string
  capacity: number
  open_leads: number
  at_risk: number
  last_activity_at: string | null
}

/** What manager_board() answers. */
export interface ManagerBoard {
  /** The server's clock when it answered. */
  generated_at: string
  at_risk: BoardLead[]
  at_risk_count: number
  /** When the next running clock enters the last quarter of its window; null when none will. */
  next_risk_at: string | null
  breached: BoardLead[]
  breached_count: number
  unassigned: BoardLead[]
  unassigned_count: number
  team: TeamMemberStatus[]
}

export const metricsPeriods = ['today', '7d', '30d'] as const
export type MetricsPeriod = typeof metricsPeriods[number]
export const metricsDimensions = ['rep', 'source', 'channel', 'tier'] as const
export type MetricsDimension = typeof metricsDimensions[number]

/** The figures of one group of leads; rates are fractions, null when nothing counts. */
export interface MetricFigures {
  leads: number
  first_contacted: number
  speed_business_p50: number | null
  speed_business_p90: number | null
  speed_calendar_p50: number | null
  speed_calendar_p90: number | null
  sla_met: number
  sla_missed: number
  sla_compliance: number | null
  contacted: number
  contact_rate: number | null
  converted: number
  conversion_rate: number | null
  attempts: number
  attempts_per_lead: number | null
  escalated: number
  escalation_rate: number | null
}

export interface MetricsGroup extends MetricFigures {
  /** Member or source id, channel or tier; null for leads without one. */
  key: string | null
  label: string
}

export interface SourceConversion {
  key: string | null
  label: string
  leads: number
  converted: number
  conversion_rate: number | null
}

export interface TrendPoint {
  /** Start of the hour (today) or local day. */
  at: string
  leads: number
  speed_business_p50: number | null
  sla_compliance: number | null
}

export const agingBuckets = ['<1h', '1-4h', '4-24h', '1-3d', '>3d'] as const
export interface AgingBucket {
  bucket: typeof agingBuckets[number]
  leads: number
}

/** What manager_metrics() answers. */
export interface ManagerMetrics {
  period: MetricsPeriod
  dimension: MetricsDimension
  time_zone: string
  from: string
  to: string
  bucket: 'hour' | 'day'
  totals: MetricFigures
  groups: MetricsGroup[]
  conversion_by_source: SourceConversion[]
  trend: TrendPoint[]
  aging: AgingBucket[]
}

/** What the manager-nudge function answers: the 'nudged' event, and how the push to the owner went. */
export interface NudgeResult {
  event_id: number
  lead_id: string
  owner_id: string
  occurred_at: string
  push: 'sent' | 'failed' | 'no_subscription' | 'pending'
}

/** The live board of the caller's organization (managers and admins only). */
export function fetchBoard(): Promise<ManagerBoard> {
  return unwrap<ManagerBoard>(restClient.rpc('manager_board'))
}

/** Response figures for the leads captured in `period`, overall and split by `dimension`. */
export function fetchMetrics(period: MetricsPeriod, dimension: MetricsDimension): Promise<ManagerMetrics> {
  return unwrap<ManagerMetrics>(restClient.rpc('manager_metrics', { period, dimension }))
}

/** Asks the lead's owner to act on it now: a 'nudged' event and a push to the owner's devices. */
export function nudgeLeadOwner(leadId: string, message: string | null = null): Promise<NudgeResult> {
  return invokeFunction<NudgeResult>('manager-nudge', { lead_id: leadId, message })
}

/** What the reassign-lead function answers: the new owner, and how their phone was told ('not_needed': unchanged, or the caller took it over). */
export interface ReassignResult {
  lead_id: string
  assigned_to: string
  push: NudgeResult['push'] | 'not_needed'
}

/**
 * Gives the lead to another member (or the caller, to take it over); recorded as a 'reassigned'
 * event. Through the reassign-lead function, which calls reassign_lead() as the caller and then
 * buzzes the new owner's phone.
 */
export function reassignLead(leadId: string, toMemberId: string, reason: string): Promise<ReassignResult> {
  return invokeFunction<ReassignResult>('reassign-lead', { lead_id: leadId, to_member_id: toMemberId, reason })
}

/**
 * Calls back on every change to the organization's leads and members (row-level security lets a
 * manager see them all). Returns the unsubscribe function.
 */
export function subscribeToOrganization(
  orgId: string,
  onChange: () => void,
  onStatus: (status: LiveStatus) => void = () => {},
): () => void {
  const filter = `org_id=eq.${orgId}`
  return joinChannel(`manager-board:${orgId}`, channel => channel
    .on('postgres_changes', { event: '*', schema: 'public', table: 'leads', filter }, () => onChange())
    .on('postgres_changes', { event: '*', schema: 'public', table: 'members', filter }, () => onChange()), onStatus)
}
