import { TZDate } from '@date-fns/tz'
import type { SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { signedInClient } from '../../support/clients.ts'
import { createLead } from '../database/fixture.ts'
import type { OrgFixture, Row } from '../database/fixture.ts'

export const newYork = 'America/New_York'

/** An instant given as New York wall time on the local date of `day`. */
export function newYorkTime(day: Date, hours: number, minutes: number): Date {
  const local = new TZDate(day.getTime(), newYork)
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), hours, minutes, newYork).getTime())
}

/** The due time of a clock started at `start` for `minutes` on `calendarId` (null: 24/7), as the database computes it. */
export async function dueAt(sql: pg.ClientBase, calendarId: string | null, start: Date, minutes: number): Promise<Date> {
  const { rows } = await sql.query('select private.business_add_minutes($1, $2, $3) as due', [calendarId, start, minutes])
  return rows[0].due as Date
}

export interface ClockedLead {
  tier: 'HOT' | 'WARM' | 'COLD'
  capturedAt: Date
  /** SLA target in business minutes of the tier's policy. */
  targetMinutes: number
  calendarId: string | null
  fields?: Row
}

/** A lead captured at `capturedAt` with its SLA clock started then, as ingest would leave it. */
export async function createClockedLead(sql: pg.ClientBase, org: OrgFixture, lead: ClockedLead): Promise<Row> {
  return createLead(sql, org, {
    tier: lead.tier,
    sla_policy_id: org.policies[lead.tier],
    created_at: lead.capturedAt,
    sla_started_at: lead.capturedAt,
    sla_due_at: await dueAt(sql, lead.calendarId, lead.capturedAt, lead.targetMinutes),
    sla_state: 'running',
    ...lead.fields,
  })
}

/**
 * supabase-js signed in as a fixture or demo user, untyped: the manager RPCs answer jsonb, which
 * src/types/database.ts types as Json, so the tests read their fields without the generated types.
 */
export async function clientFor(email: string): Promise<SupabaseClient> {
  return await signedInClient(email) as unknown as SupabaseClient
}
