// Helpers for the ingest-lead tests: posting to the real function behind the stack's
// /functions/v1, and organizations of their own so no test disturbs the demo data.
import type pg from 'pg'
import { inject } from 'vitest'
import { createOrgFixture, insertRow } from '../database/fixture.ts'
import type { OrgFixture, Row } from '../database/fixture.ts'

export const demoSourceKey = 'pronto-demo-web-form-key'
export const allowedOrigin = 'https://www.ingest-fixture.test'
export const thankYouUrl = 'https://www.ingest-fixture.test/thanks'

export function ingestUrl(): string {
  return `${inject('stack').apiUrl}/functions/v1/ingest-lead`
}

export interface PostOptions {
  key?: string | null
  headers?: Record<string, string>
  /** 'json' (default) sends JSON.stringify(body); 'form' sends URL-encoded fields; a string is sent as is. */
  as?: 'json' | 'form'
  contentType?: string
}

/** Posts a lead as a web form, landing page or webhook would. */
export async function postLead(body: unknown, options: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  if (options.key !== null)
    headers['x-source-key'] = options.key ?? demoSourceKey
  const as = options.as ?? 'json'
  headers['content-type'] = options.contentType ?? (as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')
  const payload = typeof body === 'string'
    ? body
    : as === 'json' ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString()
  return fetch(ingestUrl(), { method: 'POST', headers: { ...headers, ...options.headers }, body: payload, redirect: 'manual' })
}

export interface IngestAnswer {
  lead_id: string
  status: string
  assigned_to: string | null
  sla_due_at: string | null
}

export interface ErrorAnswer {
  error: { code: string, message: string, fields: Record<string, string> | null }
}

/** An organization of its own with a web-form source that takes posts from `allowedOrigin`. */
export async function createIngestOrg(sql: pg.ClientBase, label: string, options: { reps?: number, source?: Row } = {}): Promise<OrgFixture> {
  const org = await createOrgFixture(sql, label, { reps: options.reps ?? 3 })
  const source = {
    allowed_origins: [allowedOrigin],
    thank_you_url: thankYouUrl,
    ack_template: 'Hi {{first_name}}, thanks for contacting {{organization}}.',
    default_country: 'US',
    rate_limit_per_minute: 100000,
    ip_rate_limit_per_minute: 100000,
    ...options.source,
  }
  const columns = Object.keys(source)
  await sql.query(
    `update public.lead_sources set ${columns.map((column, i) => `${column} = $${i + 2}`).join(', ')} where id = $1`,
    [org.sourceId, ...columns.map(column => source[column as keyof typeof source])],
  )
  return org
}

/** Adds a routing rule to the org's team. */
export async function addRule(sql: pg.ClientBase, org: OrgFixture, position: number, strategy: string, conditions: Row = {}, targets: string[] = []): Promise<void> {
  await insertRow(sql, 'routing_rules', {
    org_id: org.orgId,
    team_id: org.teamId,
    position,
    name: `${strategy} ${position}`,
    conditions,
    strategy,
    target_member_ids: targets,
  })
}

/** Every lead_events row of a lead, oldest first. */
export async function eventsOf(sql: pg.ClientBase, leadId: string): Promise<Array<{ type: string, details: Record<string, unknown> }>> {
  const { rows } = await sql.query('select type, details from public.lead_events where lead_id = $1 order by id', [leadId])
  return rows
}

let counter = 0
/** A fresh email address, so leads never merge by accident. */
export function uniqueEmail(label = 'lead'): string {
  counter += 1
  return `${label}-${Date.now().toString(36)}-${counter}@example.org`
}
