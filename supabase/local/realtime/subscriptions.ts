import pg from 'pg'
import { log } from '../log.ts'
import type { RealtimeAuth } from './auth.ts'
import { filterSql, FilterSyntaxError, parseFilter } from './filters.ts'
import type { FilterCondition } from './filters.ts'
import type { ChangeKind } from './wal-reader.ts'

/** What a joined channel offers the change feed. */
export interface ChangeListener {
  /** Read at delivery time, so an `access_token` refresh applies to the next change. */
  readonly auth: RealtimeAuth
  deliverChange: (ids: number[], dataJson: string) => void
}

/** One `postgres_changes` entry of a channel's join. */
export interface PostgresSubscription {
  id: number
  listener: ChangeListener
  event: ChangeKind | '*'
  /** `*` matches every schema / every table. */
  schema: string
  table: string
  conditions: FilterCondition[]
  /** Subscriptions with the same filter text share one SQL predicate per change. */
  filterKey: string
}

export class SubscriptionError extends Error {}

export const publicationName = 'supabase_realtime'

const events = new Set(['*', 'INSERT', 'UPDATE', 'DELETE'])
let lastId = 0

function text(value: unknown, name: string, fallback: string): string {
  if (value == null || value === '')
    return fallback
  if (typeof value !== 'string')
    throw new SubscriptionError(`\`${name}\` must be a string`)
  return value
}

async function checkTable(pool: pg.Pool, schema: string, table: string, conditions: FilterCondition[]): Promise<void> {
  const qualified = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`
  const { rows } = await pool.query<{ published: boolean | null }>(
    `select exists(select 1 from pg_publication_tables where pubname = $3 and schemaname = $1 and tablename = $2) as published
     from pg_class where oid = to_regclass($4)`,
    [schema, table, publicationName, qualified],
  )
  if (rows.length === 0)
    throw new SubscriptionError(`table ${schema}.${table} does not exist`)
  if (!rows[0].published)
    log.info('realtime', `${schema}.${table} is not in publication ${publicationName}: its changes will not arrive (alter publication ${publicationName} add table ${qualified})`)
  if (conditions.length > 0) {
    // Plans the exact predicate the feed will run, so unknown columns and values that do not
    // fit the column's type are refused at join time, not on the first change.
    const params: unknown[] = []
    const predicate = filterSql(conditions, 'r', params)
    try {
      await pool.query(`select 1 from ${qualified} as r where false and ${predicate}`, params)
    }
    catch (error) {
      throw new SubscriptionError(`invalid filter for ${schema}.${table}: ${(error as Error).message}`)
    }
  }
}

/**
 * Validates a join's `postgres_changes` list and builds its subscriptions. The reply echoes
 * every entry unchanged and in order, plus its `id`, which realtime-js matches binding by binding.
 */
export async function prepareSubscriptions(pool: pg.Pool, listener: ChangeListener, params: unknown): Promise<{ subscriptions: PostgresSubscription[], reply: Record<string, unknown>[] }> {
  if (params == null)
    return { subscriptions: [], reply: [] }
  if (!Array.isArray(params))
    throw new SubscriptionError('`postgres_changes` must be a list')
  const subscriptions: PostgresSubscription[] = []
  const reply: Record<string, unknown>[] = []
  for (const entry of params) {
    if (entry === null || typeof entry !== 'object')
      throw new SubscriptionError('each `postgres_changes` entry must be an object')
    const raw = entry as Record<string, unknown>
    const event = text(raw.event, 'event', '*').toUpperCase()
    if (!events.has(event))
      throw new SubscriptionError(`\`event\` must be *, INSERT, UPDATE or DELETE, got ${String(raw.event)}`)
    const schema = text(raw.schema, 'schema', 'public')
    const table = text(raw.table, 'table', '*')
    const filter = raw.filter == null ? '' : text(raw.filter, 'filter', '')
    let conditions: FilterCondition[]
    try {
      conditions = parseFilter(filter)
    }
    catch (error) {
      if (error instanceof FilterSyntaxError)
        throw new SubscriptionError(`Error parsing \`filter\` params: ${error.message}`)
      throw error
    }
    if (conditions.length > 0 && (schema === '*' || table === '*'))
      throw new SubscriptionError('a `filter` needs one schema and one table')
    if (schema !== '*' && table !== '*')
      await checkTable(pool, schema, table, conditions)
    const id = ++lastId
    subscriptions.push({ id, listener, event: event as PostgresSubscription['event'], schema, table, conditions, filterKey: filter })
    reply.push({ ...raw, id })
  }
  return { subscriptions, reply }
}

function coversTable(subscription: PostgresSubscription, schema: string, table: string): boolean {
  return (subscription.schema === '*' || subscription.schema === schema)
    && (subscription.table === '*' || subscription.table === table)
}

/** Every live postgres_changes subscription of every socket. */
export class SubscriptionRegistry {
  private readonly all = new Set<PostgresSubscription>()

  add(subscriptions: PostgresSubscription[]): void {
    for (const subscription of subscriptions)
      this.all.add(subscription)
  }

  remove(subscriptions: PostgresSubscription[]): void {
    for (const subscription of subscriptions)
      this.all.delete(subscription)
  }

  get size(): number {
    return this.all.size
  }

  /** Whether any subscription listens to changes of schema.table, of any kind. */
  watches(schema: string, table: string): boolean {
    for (const subscription of this.all) {
      if (coversTable(subscription, schema, table))
        return true
    }
    return false
  }

  /** Subscriptions a change of `kind` on schema.table is a candidate for (filters and RLS come later). */
  matching(schema: string, table: string, kind: ChangeKind): PostgresSubscription[] {
    const found: PostgresSubscription[] = []
    for (const subscription of this.all) {
      if ((subscription.event === '*' || subscription.event === kind) && coversTable(subscription, schema, table))
        found.push(subscription)
    }
    return found
  }
}
