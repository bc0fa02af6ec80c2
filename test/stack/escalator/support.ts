// Helpers for the sla-escalator tests: runs with an injected clock through supabase-js (as the
// service role), leads assigned at a chosen time through the real assignment code, and each
// test's own organization, so no test disturbs the demo data or another test's leads.
//
// Every test lives in its own week of early 2025: a run with an injected clock acts on whatever
// is due by then in the whole database, and nothing else there is due that early.
import type pg from 'pg'
import { inject } from 'vitest'
import { assignLead } from '../../../supabase/functions/_shared/assignment/assign-lead.ts'
import type { Assignment } from '../../../supabase/functions/_shared/assignment/assign-lead.ts'
import { createPool, inTransaction } from '../../../supabase/functions/_shared/db/postgres.ts'
import type { Sql } from '../../../supabase/functions/_shared/db/postgres.ts'
import type { RunSummary } from '../../../supabase/functions/sla-escalator/run.ts'
import { serviceClient } from '../../support/clients.ts'
import { createLead } from '../database/fixture.ts'
import type { OrgFixture, Row } from '../database/fixture.ts'

/** Runs the escalator once as if it were `now`; throws unless it answers 200. */
export async function runEscalator(now: Date | string): Promise<RunSummary> {
  const { data, error } = await serviceClient().functions.invoke<RunSummary>('sla-escalator', {
    body: { now: typeof now === 'string' ? now : now.toISOString() },
  })
  if (error) {
    const context = (error as { context?: Response }).context
    throw new Error(`sla-escalator failed: ${error.message} ${context ? await context.text() : ''}`)
  }
  return data!
}

let pool: Sql | undefined

/** postgres.js on the stack's database, as the functions use it. */
export function functionsSql(): Sql {
  pool ??= createPool(inject('stack').dbUrl, { max: 4, applicationName: 'escalator-tests' })
  return pool
}

export async function closeFunctionsSql(): Promise<void> {
  await pool?.end()
  pool = undefined
}

/** A new lead of the fixture's team, assigned at `now` by the same code ingest-lead uses (routing, SLA clock). */
export async function assignedLead(sql: pg.Client, org: OrgFixture, now: Date, fields: Row = {}): Promise<Assignment & { id: string }> {
  const lead = await createLead(sql, org, { created_at: now, ...fields })
  const assignment = await inTransaction(functionsSql(), tx => assignLead(tx, lead.id as string, { now, reason: 'new_lead' }))
  return { ...assignment, id: lead.id as string }
}

export interface LeadRow {
  id: string
  assigned_to: string | null
  in_fallback_queue: boolean
  status: string
  sla_state: string
  sla_started_at: Date | null
  sla_due_at: Date | null
  sla_reminded_at: Date | null
  sla_breached_at: Date | null
  sla_escalated_at: Date | null
}

export async function leadRow(sql: pg.Client, id: string): Promise<LeadRow> {
  const { rows } = await sql.query<LeadRow>(
    `select id, assigned_to, in_fallback_queue, status, sla_state, sla_started_at, sla_due_at, sla_reminded_at,
            sla_breached_at, sla_escalated_at
     from public.leads where id = $1`, [id])
  return rows[0]!
}

export interface EventRow {
  type: string
  occurred_at: Date
  details: Record<string, unknown>
}

/** The lead's events of the given types, in order. */
export async function eventsOf(sql: pg.Client, leadId: string, types: string[]): Promise<EventRow[]> {
  const { rows } = await sql.query<EventRow>(
    'select type, occurred_at, details from public.lead_events where lead_id = $1 and type::text = any($2) order by id',
    [leadId, types])
  return rows
}

/** The ladder's own events (not routing at assignment, not pushes). */
export const ladderTypes = ['reminded', 'breached', 'reassigned', 'fallback_queued', 'escalated']

export const at = (iso: string) => new Date(iso)
