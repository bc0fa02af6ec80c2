import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { createAuthUser, createLead, createOrgFixture, insertRow } from './fixture.ts'
import type { FixtureUser, OrgFixture, Row } from './fixture.ts'

// Who may do what: every API role against every table and operation, and every RPC. The same
// cases run through direct SQL (as PostgREST sets up a request) and through supabase-js.
//
// Actors: the anon key; members of organization A (two reps of one team, its manager, the admin);
// members of organization B; a signed-in user who is no member ('stranger'); a deactivated rep of
// A's team; and the service_role key of the edge functions. service_role bypasses row-level
// security and holds every table privilege not revoked from it, so it is allowed every table case
// unless the case says `serviceRoleDenied`; the member RPCs are not granted to it.

export const actors = ['anon', 'rep', 'teammate', 'manager', 'admin', 'outsider', 'outsider manager', 'stranger', 'deactivated', 'service_role'] as const
export type Actor = typeof actors[number]
/** Actors who sign in as a user. */
export type UserActor = Exclude<Actor, 'anon' | 'service_role'>
export type Operation = 'select' | 'insert' | 'update' | 'delete'

const members: UserActor[] = ['rep', 'teammate', 'manager', 'admin']
const everyone: UserActor[] = [...members, 'outsider', 'outsider manager']
const managers: UserActor[] = ['manager', 'admin']
/** Every signed-in user, member or not (deactivated included). */
const signedIn: UserActor[] = [...everyone, 'stranger', 'deactivated']

export interface MatrixFixture {
  a: OrgFixture
  b: OrgFixture
  users: Record<UserActor, FixtureUser>
  /** A second team of organization A, with a pool lead of its own. */
  otherTeamId: string
  /**
   * rep's lead, teammate's lead, manager's lead, an unassigned pool lead, a fallback-queue lead,
   * org B's lead, the deactivated rep's lead, the other team's pool lead.
   */
  leads: Record<'rep' | 'teammate' | 'manager' | 'pool' | 'fallback' | 'outsider' | 'deactivated' | 'otherTeamPool', string>
  eventOfRepLead: number
  eventOfPoolLead: number
  dispositionOfRep: string
  subscriptionOfRep: string
  outboundMessage: string
  accountId: string
  ruleId: string
  spareUser: FixtureUser
}

export async function createMatrixFixture(sql: pg.ClientBase): Promise<MatrixFixture> {
  const a = await createOrgFixture(sql, 'matrix', { reps: 3 })
  const b = await createOrgFixture(sql, 'matrix-other', { reps: 1 })
  const [rep, teammate, deactivated] = a.reps
  const otherTeam = await insertRow(sql, 'teams', { org_id: a.orgId, name: 'matrix field team' })
  // Every member has a HOT lead of their own, so next_lead() returns it rather than claiming the pool.
  const own = (org: OrgFixture, user: FixtureUser) => createLead(sql, org, { assigned_to: user.id, status: 'assigned', tier: 'HOT', score: 95 })
  const repLead = await own(a, rep)
  const teammateLead = await own(a, teammate)
  const managerLead = await own(a, a.manager)
  const outsiderLead = await own(b, b.reps[0])
  const pool = await createLead(sql, a, { status: 'new', tier: 'WARM' })
  const fallback = await createLead(sql, a, { status: 'new', tier: 'COLD', assigned_to: a.manager.id, in_fallback_queue: true })
  const otherTeamPool = await createLead(sql, a, { status: 'new', tier: 'HOT', score: 99, team_id: otherTeam.id })
  const deactivatedLead = await own(a, deactivated)
  await sql.query('update public.members set active = false where id = $1', [deactivated.id])
  const event = (leadId: unknown, orgId: string) => insertRow(sql, 'lead_events', { lead_id: leadId, org_id: orgId, type: 'created' })
  const eventOfRepLead = (await event(repLead.id, a.orgId)).id as number
  const eventOfPoolLead = (await event(pool.id, a.orgId)).id as number
  await event(outsiderLead.id, b.orgId)
  const disposition = await insertRow(sql, 'dispositions', {
    id: randomUUID(), lead_id: repLead.id, org_id: a.orgId, rep_id: rep.id, outcome: 'no_answer', occurred_at: new Date(),
  })
  const subscription = await insertSubscription(sql, a, rep)
  await insertSubscription(sql, a, a.manager)
  const message = await insertRow(sql, 'outbound_messages', {
    org_id: a.orgId, lead_id: repLead.id, source_id: a.sourceId, channel: 'email', recipient: repLead.email, body: 'Thanks!',
  })
  await insertRow(sql, 'ingest_requests', { source_id: a.sourceId, idempotency_key: 'matrix', response_status: 201, response_body: { ok: true } })
  await insertRow(sql, 'round_robin_state', { team_id: a.teamId })
  const account = await insertRow(sql, 'accounts', { org_id: a.orgId, domain: `acme-${randomUUID().slice(0, 8)}.com`, owner_id: rep.id })
  const rule = await insertRow(sql, 'routing_rules', { org_id: a.orgId, team_id: a.teamId, position: 1, name: 'Round robin', strategy: 'round_robin' })
  return {
    a,
    b,
    users: {
      'rep': rep,
      'teammate': teammate,
      'manager': a.manager,
      'admin': a.admin,
      'outsider': b.reps[0],
      'outsider manager': b.manager,
      'stranger': await createAuthUser(sql, 'matrix-stranger'),
      'deactivated': deactivated,
    },
    otherTeamId: otherTeam.id as string,
    leads: {
      rep: repLead.id as string,
      teammate: teammateLead.id as string,
      manager: managerLead.id as string,
      pool: pool.id as string,
      fallback: fallback.id as string,
      outsider: outsiderLead.id as string,
      deactivated: deactivatedLead.id as string,
      otherTeamPool: otherTeamPool.id as string,
    },
    eventOfRepLead,
    eventOfPoolLead,
    dispositionOfRep: disposition.id as string,
    subscriptionOfRep: subscription.id as string,
    outboundMessage: message.id as string,
    accountId: account.id as string,
    ruleId: rule.id as string,
    spareUser: await createAuthUser(sql, 'matrix-spare'),
  }
}

function insertSubscription(sql: pg.ClientBase, org: OrgFixture, user: FixtureUser): Promise<Row> {
  return insertRow(sql, 'push_subscriptions', {
    member_id: user.id, org_id: org.orgId, endpoint: `https://push.example.com/${randomUUID()}`, p256dh: 'BKey', auth: 'secret',
  })
}

export interface TableCase {
  table: string
  op: Operation
  what: string
  /** Columns to read back (select) or the key to return (update/delete). */
  columns?: string
  /** select/update/delete: equality filter; insert: the row. */
  row: (fx: MatrixFixture, actor: Actor) => Row
  /** update: the values. */
  set?: (fx: MatrixFixture) => Row
  /** A fresh row for this run (superuser), whose filter replaces `row`; removed afterwards. */
  disposable?: (sql: pg.ClientBase, fx: MatrixFixture) => Promise<Row>
  /** Undoes a committed run for rows without an id column (supabase-js commits what is allowed). */
  cleanup?: (sql: pg.ClientBase, fx: MatrixFixture) => Promise<unknown>
  /** Members and other users allowed; service_role is allowed too unless serviceRoleDenied. */
  allowed: UserActor[]
  serviceRoleDenied?: boolean
}

/** Whether the case allows the actor (see TableCase.allowed). */
export function tableAllows(c: TableCase, actor: Actor): boolean {
  return actor === 'service_role' ? !c.serviceRoleDenied : (c.allowed as Actor[]).includes(actor)
}

const id = (value: string) => ({ id: value })
const actorId = (fx: MatrixFixture, actor: Actor) => actor === 'anon' || actor === 'service_role' ? null : fx.users[actor].id
// A move the lifecycle forbids, for the write cases of lead_status_transitions.
const illegalTransition = { from_status: 'converted', to_status: 'new' }
const removeIllegalTransition = (sql: pg.ClientBase) =>
  sql.query('delete from public.lead_status_transitions where from_status = $1 and to_status = $2', [illegalTransition.from_status, illegalTransition.to_status])
const fresh = (table: string, values: (fx: MatrixFixture) => Row) =>
  async (sql: pg.ClientBase, fx: MatrixFixture) => id((await insertRow(sql, table, values(fx))).id as string)
const unique = () => randomUUID().slice(0, 8)

export const tableCases: TableCase[] = [
  { table: 'organizations', op: 'select', what: 'their organization', row: fx => id(fx.a.orgId), allowed: members },
  { table: 'organizations', op: 'insert', what: 'a new organization', row: () => ({ id: randomUUID(), name: `New ${unique()}` }), allowed: [] },
  { table: 'organizations', op: 'update', what: 'its name', row: fx => id(fx.a.orgId), set: () => ({ time_zone: 'America/New_York' }), allowed: ['admin'] },
  // Nobody but service_role has the privilege, so a fresh organization stands in for A (committed runs).
  { table: 'organizations', op: 'delete', what: 'an organization', row: () => ({}), disposable: fresh('organizations', () => ({ name: `Gone ${unique()}` })), allowed: [] },

  { table: 'teams', op: 'select', what: 'the team', row: fx => id(fx.a.teamId), allowed: members },
  { table: 'teams', op: 'insert', what: 'a new team', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, name: `Team ${unique()}` }), allowed: ['admin'] },
  { table: 'teams', op: 'update', what: 'its fallback owner', row: fx => id(fx.a.teamId), set: fx => ({ fallback_owner_id: fx.a.manager.id }), allowed: ['admin'] },
  { table: 'teams', op: 'delete', what: 'a team', row: () => ({}), disposable: fresh('teams', fx => ({ org_id: fx.a.orgId, name: `Gone ${unique()}` })), allowed: ['admin'] },

  { table: 'members', op: 'select', what: 'a teammate', row: fx => id(fx.users.teammate.id), allowed: members },
  { table: 'members', op: 'insert', what: 'a new member', row: fx => ({ id: fx.spareUser.id, org_id: fx.a.orgId, full_name: 'New Hire', email: fx.spareUser.email }), allowed: ['admin'] },
  { table: 'members', op: 'update', what: "the teammate's name", row: fx => id(fx.users.teammate.id), set: () => ({ full_name: 'matrix-rep2' }), allowed: ['teammate', 'admin'] },
  {
    table: 'members',
    op: 'delete',
    what: 'a member',
    row: () => ({}),
    disposable: async (sql, fx) => {
      const user = await createAuthUser(sql, 'matrix-leaver')
      return id((await insertRow(sql, 'members', { id: user.id, org_id: fx.a.orgId, full_name: 'Leaver', email: user.email })).id as string)
    },
    allowed: ['admin'],
  },

  { table: 'business_calendars', op: 'select', what: 'the calendar', row: fx => id(fx.a.calendarId), allowed: members },
  { table: 'business_calendars', op: 'insert', what: 'a calendar', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, name: `Cal ${unique()}`, time_zone: 'UTC', always_open: true }), allowed: ['admin'] },
  { table: 'business_calendars', op: 'update', what: 'its holidays', row: fx => id(fx.a.calendarId), set: () => ({ holidays: ['2026-12-25'] }), allowed: ['admin'] },
  { table: 'business_calendars', op: 'delete', what: 'a calendar', row: () => ({}), disposable: fresh('business_calendars', fx => ({ org_id: fx.a.orgId, name: `Gone ${unique()}`, time_zone: 'UTC' })), allowed: ['admin'] },

  { table: 'sla_policies', op: 'select', what: 'a policy', row: fx => id(fx.a.policies.WARM), allowed: members },
  { table: 'sla_policies', op: 'insert', what: 'a per-source policy', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, name: 'Per source', tier: 'HOT', source_id: fx.a.sourceId, target_minutes: 5 }), allowed: ['admin'] },
  { table: 'sla_policies', op: 'update', what: 'its target', row: fx => id(fx.a.policies.WARM), set: () => ({ target_minutes: 60 }), allowed: ['admin'] },
  { table: 'sla_policies', op: 'delete', what: 'a policy', row: () => ({}), disposable: fresh('sla_policies', fx => ({ org_id: fx.a.orgId, name: 'Gone', tier: 'COLD', source_id: fx.a.sourceId, target_minutes: 5 })), allowed: ['admin'] },

  { table: 'routing_rules', op: 'select', what: 'a rule', row: fx => id(fx.ruleId), allowed: managers },
  { table: 'routing_rules', op: 'insert', what: 'a rule', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, team_id: fx.a.teamId, position: 1000 + Math.floor(Math.random() * 1e6), name: 'New', strategy: 'least_loaded' }), allowed: ['admin'] },
  { table: 'routing_rules', op: 'update', what: 'its switch', row: fx => id(fx.ruleId), set: () => ({ enabled: true }), allowed: ['admin'] },
  { table: 'routing_rules', op: 'delete', what: 'a rule', row: () => ({}), disposable: fresh('routing_rules', fx => ({ org_id: fx.a.orgId, team_id: fx.a.teamId, position: 2_000_000 + Math.floor(Math.random() * 1e6), name: 'Gone', strategy: 'territory' })), allowed: ['admin'] },

  { table: 'accounts', op: 'select', what: 'an account', row: fx => id(fx.accountId), allowed: managers },
  { table: 'accounts', op: 'insert', what: 'an account', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, domain: `new-${unique()}.com` }), allowed: ['admin'] },
  { table: 'accounts', op: 'update', what: 'its owner', row: fx => id(fx.accountId), set: fx => ({ owner_id: fx.users.rep.id }), allowed: ['admin'] },
  { table: 'accounts', op: 'delete', what: 'an account', row: () => ({}), disposable: fresh('accounts', fx => ({ org_id: fx.a.orgId, domain: `gone-${unique()}.com` })), allowed: ['admin'] },

  { table: 'lead_sources', op: 'select', what: 'the source, without its key', columns: 'id, name, key_prefix', row: fx => id(fx.a.sourceId), allowed: members },
  { table: 'lead_sources', op: 'select', what: 'the key hash', columns: 'key_hash', row: fx => id(fx.a.sourceId), allowed: [] },
  { table: 'lead_sources', op: 'insert', what: 'a source', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, name: `Src ${unique()}`, channel: 'chat', key_hash: 'a'.repeat(56) + unique(), key_prefix: 'chat-key' }), allowed: ['admin'] },
  { table: 'lead_sources', op: 'update', what: 'its rate limit', row: fx => id(fx.a.sourceId), set: () => ({ rate_limit_per_minute: 60 }), allowed: ['admin'] },
  {
    table: 'lead_sources',
    op: 'delete',
    what: 'a source',
    row: () => ({}),
    disposable: fresh('lead_sources', fx => ({ org_id: fx.a.orgId, name: `Gone ${unique()}`, channel: 'ad', key_hash: 'b'.repeat(56) + unique(), key_prefix: 'gone-key' })),
    allowed: ['admin'],
  },

  { table: 'round_robin_state', op: 'select', what: "the team's state", columns: 'team_id', row: fx => ({ team_id: fx.a.teamId }), allowed: managers },
  { table: 'round_robin_state', op: 'insert', what: 'a state', columns: 'team_id', row: fx => ({ team_id: fx.b.teamId }), cleanup: (sql, fx) => sql.query('delete from public.round_robin_state where team_id = $1', [fx.b.teamId]), allowed: [] },
  { table: 'round_robin_state', op: 'update', what: 'the counter', columns: 'team_id', row: fx => ({ team_id: fx.a.teamId }), set: () => ({ counter: 0 }), allowed: [] },
  {
    table: 'round_robin_state',
    op: 'delete',
    what: "the other team's state",
    columns: 'team_id',
    row: () => ({}),
    disposable: async (sql, fx) => ({ team_id: (await insertRow(sql, 'round_robin_state', { team_id: fx.otherTeamId })).team_id }),
    cleanup: (sql, fx) => sql.query('delete from public.round_robin_state where team_id = $1', [fx.otherTeamId]),
    allowed: [],
  },

  { table: 'leads', op: 'select', what: "the rep's own lead", row: fx => id(fx.leads.rep), allowed: ['rep', ...managers] },
  { table: 'leads', op: 'select', what: 'an unassigned pool lead', row: fx => id(fx.leads.pool), allowed: members },
  { table: 'leads', op: 'select', what: 'a fallback-queue lead', row: fx => id(fx.leads.fallback), allowed: members },
  { table: 'leads', op: 'select', what: "the other organization's lead", row: fx => id(fx.leads.outsider), allowed: ['outsider', 'outsider manager'] },
  { table: 'leads', op: 'insert', what: 'a lead', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, email: `x-${unique()}@example.com` }), allowed: [] },
  { table: 'leads', op: 'update', what: "the rep's lead's details", row: fx => id(fx.leads.rep), set: () => ({ title: 'Buyer' }), allowed: ['rep', ...managers] },
  { table: 'leads', op: 'select', what: "the other team's pool lead", row: fx => id(fx.leads.otherTeamPool), allowed: managers },
  { table: 'leads', op: 'select', what: "the deactivated rep's own lead", row: fx => id(fx.leads.deactivated), allowed: managers },
  { table: 'leads', op: 'update', what: "the rep's lead's callback", row: fx => id(fx.leads.rep), set: () => ({ callback_at: new Date(Date.now() - 60_000).toISOString() }), allowed: ['rep', ...managers] },
  // Reps change a pool lead only by claiming it with next_lead(): a callback set on it would hide
  // it from the whole team, a status would strand it.
  { table: 'leads', op: 'update', what: "a pool lead's details", row: fx => id(fx.leads.pool), set: () => ({ title: 'Buyer' }), allowed: managers },
  { table: 'leads', op: 'update', what: "a pool lead's callback", row: fx => id(fx.leads.pool), set: () => ({ callback_at: '2099-01-01T00:00:00Z' }), allowed: managers },
  { table: 'leads', op: 'update', what: "a pool lead's status", row: fx => id(fx.leads.pool), set: () => ({ status: 'assigned' }), allowed: managers },
  { table: 'leads', op: 'update', what: "a fallback-queue lead's callback", row: fx => id(fx.leads.fallback), set: () => ({ callback_at: '2099-01-01T00:00:00Z' }), allowed: managers },
  { table: 'leads', op: 'update', what: "the other team's pool lead", row: fx => id(fx.leads.otherTeamPool), set: () => ({ title: 'Buyer' }), allowed: managers },
  { table: 'leads', op: 'update', what: "the teammate's lead's callback", row: fx => id(fx.leads.teammate), set: () => ({ callback_at: new Date(Date.now() - 60_000).toISOString() }), allowed: ['teammate', ...managers] },
  { table: 'leads', op: 'update', what: "the deactivated rep's own lead", row: fx => id(fx.leads.deactivated), set: () => ({ title: 'Buyer' }), allowed: managers },
  { table: 'leads', op: 'update', what: "the rep's lead's owner", row: fx => id(fx.leads.rep), set: fx => ({ assigned_to: fx.users.rep.id }), allowed: [] },
  { table: 'leads', op: 'update', what: "the rep's lead's SLA state", row: fx => id(fx.leads.rep), set: () => ({ sla_state: 'none' }), allowed: [] },
  // A fresh lead of the rep's (nobody but service_role may delete, and its run commits).
  { table: 'leads', op: 'delete', what: "a lead of the rep's", row: () => ({}), disposable: fresh('leads', fx => ({ org_id: fx.a.orgId, team_id: fx.a.teamId, assigned_to: fx.users.rep.id, status: 'assigned' })), allowed: [] },

  // The lifecycle is shared by every test file: service_role's committed runs must leave it as it is.
  { table: 'lead_status_transitions', op: 'select', what: 'the lifecycle', columns: 'from_status', row: () => ({ from_status: 'new', to_status: 'assigned' }), allowed: signedIn },
  { table: 'lead_status_transitions', op: 'insert', what: 'a transition', columns: 'from_status', row: () => illegalTransition, cleanup: removeIllegalTransition, allowed: [] },
  { table: 'lead_status_transitions', op: 'update', what: 'a transition (to what it is)', columns: 'from_status', row: () => ({ from_status: 'new', to_status: 'assigned' }), set: () => ({ to_status: 'assigned' }), allowed: [] },
  {
    table: 'lead_status_transitions',
    op: 'delete',
    what: 'a transition',
    columns: 'from_status',
    row: () => ({}),
    disposable: async sql => (await sql.query('insert into public.lead_status_transitions (from_status, to_status) values ($1, $2) returning from_status, to_status', [illegalTransition.from_status, illegalTransition.to_status])).rows[0] as Row,
    cleanup: removeIllegalTransition,
    allowed: [],
  },

  { table: 'lead_events', op: 'select', what: "an event of the rep's lead", row: fx => id(String(fx.eventOfRepLead)), allowed: ['rep', ...managers] },
  { table: 'lead_events', op: 'select', what: 'an event of a pool lead', row: fx => id(String(fx.eventOfPoolLead)), allowed: members },
  { table: 'lead_events', op: 'insert', what: "a note on the rep's lead", row: (fx, actor) => ({ lead_id: fx.leads.rep, org_id: fx.a.orgId, type: 'note', actor_id: actorId(fx, actor), details: { text: 'Called twice' } }), allowed: ['rep', ...managers] },
  { table: 'lead_events', op: 'insert', what: "an 'assigned' event", row: (fx, actor) => ({ lead_id: fx.leads.rep, org_id: fx.a.orgId, type: 'assigned', actor_id: actorId(fx, actor) }), allowed: [] },
  // Append-only for the edge functions too: privilege revoked, and the trigger refuses it anyway.
  { table: 'lead_events', op: 'update', what: 'an event', row: fx => id(String(fx.eventOfRepLead)), set: () => ({ details: {} }), allowed: [], serviceRoleDenied: true },
  { table: 'lead_events', op: 'delete', what: 'an event', row: fx => id(String(fx.eventOfRepLead)), allowed: [], serviceRoleDenied: true },

  { table: 'dispositions', op: 'select', what: "the rep's disposition", row: fx => id(fx.dispositionOfRep), allowed: ['rep', ...managers] },
  { table: 'dispositions', op: 'insert', what: 'a disposition', row: fx => ({ id: randomUUID(), lead_id: fx.leads.rep, org_id: fx.a.orgId, rep_id: fx.users.rep.id, outcome: 'connected', occurred_at: new Date().toISOString() }), allowed: [] },
  { table: 'dispositions', op: 'update', what: 'its notes', row: fx => id(fx.dispositionOfRep), set: () => ({ notes: 'edited' }), allowed: [] },
  { table: 'dispositions', op: 'delete', what: "a disposition of the rep's", row: () => ({}), disposable: fresh('dispositions', fx => ({ id: randomUUID(), lead_id: fx.leads.rep, org_id: fx.a.orgId, rep_id: fx.users.rep.id, outcome: 'voicemail', occurred_at: new Date() })), allowed: [] },

  { table: 'push_subscriptions', op: 'select', what: "the rep's subscription", row: fx => id(fx.subscriptionOfRep), allowed: ['rep'] },
  { table: 'push_subscriptions', op: 'insert', what: 'a subscription', row: fx => ({ id: randomUUID(), member_id: fx.users.rep.id, org_id: fx.a.orgId, endpoint: `https://push.example.com/${unique()}`, p256dh: 'k', auth: 'a' }), allowed: [] },
  { table: 'push_subscriptions', op: 'update', what: 'its endpoint', row: fx => id(fx.subscriptionOfRep), set: () => ({ failure_count: 0 }), allowed: [] },
  {
    table: 'push_subscriptions',
    op: 'delete',
    what: "the rep's subscription",
    row: () => ({}),
    disposable: fresh('push_subscriptions', fx => ({ member_id: fx.users.rep.id, org_id: fx.a.orgId, endpoint: `https://push.example.com/${randomUUID()}`, p256dh: 'k', auth: 'a' })),
    allowed: ['rep'],
  },

  { table: 'outbound_messages', op: 'select', what: 'an acknowledgment', row: fx => id(fx.outboundMessage), allowed: managers },
  { table: 'outbound_messages', op: 'insert', what: 'a message', row: fx => ({ id: randomUUID(), org_id: fx.a.orgId, lead_id: fx.leads.rep, channel: 'sms', recipient: '+14155550100', body: 'Hi' }), allowed: [] },
  { table: 'outbound_messages', op: 'update', what: 'its status', row: fx => id(fx.outboundMessage), set: () => ({ status: 'cancelled' }), allowed: [] },
  { table: 'outbound_messages', op: 'delete', what: 'a message', row: fx => id(fx.outboundMessage), allowed: [] },

  { table: 'ingest_requests', op: 'select', what: 'an idempotency record', columns: 'source_id', row: fx => ({ source_id: fx.a.sourceId, idempotency_key: 'matrix' }), allowed: [] },
  { table: 'ingest_requests', op: 'insert', what: 'a record', columns: 'source_id', row: fx => ({ source_id: fx.a.sourceId, idempotency_key: unique(), response_status: 200, response_body: {} }), allowed: [] },
  { table: 'ingest_requests', op: 'update', what: 'a record', columns: 'source_id', row: fx => ({ source_id: fx.a.sourceId, idempotency_key: 'matrix' }), set: () => ({ response_status: 500 }), allowed: [] },
  { table: 'ingest_requests', op: 'delete', what: 'a record', columns: 'source_id', row: fx => ({ source_id: fx.a.sourceId, idempotency_key: 'matrix' }), allowed: [] },
]

export interface RpcCase {
  rpc: string
  what: string
  args: (fx: MatrixFixture, actor: Actor) => Row
  /** Answers rows (setof): an array, as supabase-js gets it. */
  returnsSet?: boolean
  /** Arguments that need a fresh row, created before each run, and how to remove it after. */
  disposable?: (sql: pg.ClientBase, fx: MatrixFixture) => Promise<{ args: Row, cleanup: () => Promise<unknown> }>
  allowed: Actor[]
  /** Whether the answer of an allowed call is right for this actor. */
  answers?: (fx: MatrixFixture, actor: Actor, result: unknown) => boolean
}

export const rpcCases: RpcCase[] = [
  {
    rpc: 'next_lead',
    what: 'the next lead',
    args: () => ({}),
    returnsSet: true,
    allowed: everyone,
    // Each member's own HOT lead comes first; the admin (no team) and the other manager have none.
    answers: (fx, actor, result) => {
      const own = ({ rep: fx.leads.rep, teammate: fx.leads.teammate, manager: fx.leads.manager, outsider: fx.leads.outsider } as Partial<Record<Actor, string>>)[actor]
      return JSON.stringify((result as Row[]).map(lead => lead.id)) === JSON.stringify(own ? [own] : [])
    },
  },
  { rpc: 'queue_summary', what: 'the queue counts', args: () => ({}), allowed: everyone },
  { rpc: 'sync_dispositions', what: 'an empty batch', args: () => ({ items: [] }), allowed: everyone },
  {
    rpc: 'sync_dispositions',
    what: "an outcome for the other organization's lead",
    // Organization B's lead for A's members, A's lead for B's (each the other one's).
    args: (fx, actor) => ({ items: [{
      id: randomUUID(),
      lead_id: actor === 'outsider' || actor === 'outsider manager' ? fx.leads.rep : fx.leads.outsider,
      outcome: 'connected',
      occurred_at: new Date().toISOString(),
    }] }),
    allowed: everyone,
    answers: (_fx, _actor, result) => {
      const [item] = result as Array<{ status: string, error: string }>
      return (result as unknown[]).length === 1 && item.status === 'rejected' && item.error === 'lead_id: no such lead'
    },
  },
  { rpc: 'set_availability', what: 'on shift', args: () => ({ status: 'on_shift' }), allowed: everyone },
  { rpc: 'record_contact_attempt', what: "on the rep's lead", args: fx => ({ id: randomUUID(), lead_id: fx.leads.rep, channel: 'phone' }), allowed: ['rep', ...managers] },
  { rpc: 'reassign_lead', what: "the teammate's lead to the teammate", args: fx => ({ lead_id: fx.leads.teammate, to_member_id: fx.users.teammate.id, reason: 'matrix' }), allowed: managers },
  {
    rpc: 'register_push_subscription',
    what: 'a browser',
    args: () => ({ endpoint: `https://push.example.com/${randomUUID()}`, p256dh: 'BKey', auth: 'secret', user_agent_label: 'Matrix' }),
    allowed: everyone,
  },
  {
    rpc: 'remove_push_subscription',
    what: "the rep's browser",
    args: () => ({}),
    disposable: async (sql, fx) => {
      const { endpoint } = await insertSubscription(sql, fx.a, fx.users.rep)
      return { args: { endpoint }, cleanup: () => sql.query('delete from public.push_subscriptions where endpoint = $1', [endpoint]) }
    },
    allowed: everyone,
    // Anyone may ask, but only the owner's call removes it.
    answers: (_fx, actor, result) => result === (actor === 'rep'),
  },
]

