import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { demoPassword } from '../../support/clients.ts'

/** A user who can sign in (password `pronto-demo`) and is a member. */
export interface FixtureUser {
  id: string
  email: string
}

/** One organization with one team, built fresh so a test file never disturbs another. */
export interface OrgFixture {
  orgId: string
  teamId: string
  calendarId: string
  sourceId: string
  /** Plain key of the web-form source. */
  sourceKey: string
  policies: Record<'HOT' | 'WARM' | 'COLD', string>
  admin: FixtureUser
  manager: FixtureUser
  reps: FixtureUser[]
}

export type Row = Record<string, unknown>

/** Inserts one row as the superuser and returns it. */
export async function insertRow(sql: pg.ClientBase, table: string, values: Row): Promise<Row> {
  const columns = Object.keys(values)
  const { rows } = await sql.query(
    `insert into public.${table} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning *`,
    columns.map(column => toParam(values[column])),
  )
  return rows[0] as Row
}

/** pg sends JS arrays as PostgreSQL arrays; jsonb values must go as JSON text. */
export function toParam(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
    ? JSON.stringify(value)
    : value
}

/** A user in auth.users (with an email identity) who can sign in with the demo password. */
export async function createAuthUser(sql: pg.ClientBase, label: string): Promise<FixtureUser> {
  const id = randomUUID()
  const email = `${label}-${id.slice(0, 8)}@fixture.pronto.test`
  await sql.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2,
             extensions.crypt($3, extensions.gen_salt('bf', 4)), now(), '{"provider":"email","providers":["email"]}')`,
    [id, email, demoPassword],
  )
  await sql.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider)
     values ($1::text, $2::uuid, jsonb_build_object('sub', $1::text, 'email', $3::text, 'email_verified', true), 'email')`,
    [id, id, email],
  )
  return { id, email }
}

export async function createMember(
  sql: pg.ClientBase,
  org: { orgId: string, teamId: string | null },
  label: string,
  fields: Row = {},
): Promise<FixtureUser> {
  const user = await createAuthUser(sql, label)
  await insertRow(sql, 'members', {
    id: user.id,
    org_id: org.orgId,
    team_id: org.teamId,
    role: 'rep',
    full_name: label,
    email: user.email,
    availability: 'on_shift',
    capacity: 10,
    ...fields,
  })
  return user
}

const newYorkWeekdays = Object.fromEntries(['1', '2', '3', '4', '5'].map(day => [day, [{ start: '09:00', end: '17:00' }]]))

/**
 * An organization like the demo one: team with manager (fallback owner), admin, `reps` reps, a
 * New York business calendar, HOT (1 min, 24/7) / WARM (60) / COLD (1440 business minutes)
 * policies and a web-form source.
 */
export async function createOrgFixture(sql: pg.ClientBase, label: string, options: { reps?: number } = {}): Promise<OrgFixture> {
  const org = await insertRow(sql, 'organizations', { name: `${label} ${randomUUID().slice(0, 8)}`, time_zone: 'America/New_York' })
  const orgId = org.id as string
  const team = await insertRow(sql, 'teams', { org_id: orgId, name: `${label} team` })
  const teamId = team.id as string
  const manager = await createMember(sql, { orgId, teamId }, `${label}-manager`, { role: 'manager' })
  const admin = await createMember(sql, { orgId, teamId: null }, `${label}-admin`, { role: 'admin' })
  const reps: FixtureUser[] = []
  for (let n = 1; n <= (options.reps ?? 2); n++)
    reps.push(await createMember(sql, { orgId, teamId }, `${label}-rep${n}`))
  await sql.query('update public.teams set manager_id = $1, fallback_owner_id = $1 where id = $2', [manager.id, teamId])

  const calendar = await insertRow(sql, 'business_calendars', {
    org_id: orgId,
    name: 'New York',
    time_zone: 'America/New_York',
    weekly_hours: newYorkWeekdays,
    holidays: ['2026-12-25'],
  })
  const calendarId = calendar.id as string
  const policies = {
    HOT: (await insertRow(sql, 'sla_policies', { org_id: orgId, name: 'HOT', tier: 'HOT', target_minutes: 1, cadence_minutes: [30, 240], max_attempts: 3 })).id as string,
    WARM: (await insertRow(sql, 'sla_policies', { org_id: orgId, name: 'WARM', tier: 'WARM', target_minutes: 60, calendar_id: calendarId, cadence_minutes: [240, 1440], max_attempts: 3 })).id as string,
    COLD: (await insertRow(sql, 'sla_policies', { org_id: orgId, name: 'COLD', tier: 'COLD', target_minutes: 1440, calendar_id: calendarId })).id as string,
  }
  const sourceKey = `fixture-key-${randomUUID()}`
  const source = await insertRow(sql, 'lead_sources', {
    org_id: orgId,
    team_id: teamId,
    name: 'Web form',
    channel: 'web_form',
    key_hash: await sha256Hex(sql, sourceKey),
    key_prefix: sourceKey.slice(0, 12),
  })
  return { orgId, teamId, calendarId, sourceId: source.id as string, sourceKey, policies, admin, manager, reps }
}

async function sha256Hex(sql: pg.ClientBase, text: string): Promise<string> {
  const { rows } = await sql.query(`select encode(sha256(convert_to($1, 'UTF8')), 'hex') as hash`, [text])
  return rows[0].hash as string
}

/** A lead of the fixture's team; open and new unless `fields` say otherwise. */
export async function createLead(sql: pg.ClientBase, org: OrgFixture, fields: Row = {}): Promise<Row> {
  return insertRow(sql, 'leads', {
    org_id: org.orgId,
    team_id: org.teamId,
    source_id: org.sourceId,
    first_name: 'Pat',
    last_name: 'Lead',
    full_name: 'Pat Lead',
    email: `lead-${randomUUID().slice(0, 8)}@example.com`,
    tier: 'WARM',
    score: 50,
    ...fields,
  })
}
