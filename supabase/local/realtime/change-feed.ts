import type pg from 'pg'
import type { Pgoutput } from 'pg-logical-replication'
import { log } from '../log.ts'
import type { RealtimeAuth } from './auth.ts'
import type { FilterCondition } from './filters.ts'
import { convertTuples } from './records.ts'
import type { JsonRecord } from './records.ts'
import { RelationCatalog } from './relation-info.ts'
import type { RelationInfo } from './relation-info.ts'
import type { ChangeListener, PostgresSubscription, SubscriptionRegistry } from './subscriptions.ts'
import { loadAccess, visibleKeys } from './visibility.ts'
import type { RoleAccess, TableAccess, VisibilityCheck } from './visibility.ts'
import type { WalChange, WalTransaction, WalTuple } from './wal-reader.ts'

/** One frame to one channel: the change's data and the ids of that channel's subscriptions it matched. */
interface Delivery {
  listener: ChangeListener
  ids: number[]
  dataJson: string
}

/** A change with at least one candidate subscription, and where its tuples sit in its relation's batch. */
interface Item {
  change: WalChange
  /** Place in the transaction, to deliver in WAL order after batching by relation. */
  position: number
  subscriptions: PostgresSubscription[]
  /** Tuple filters run on: the new row, or the old one for DELETE. */
  subject: number
  /** The old row for UPDATE/DELETE, if any. */
  old?: number
}

/** The changes of one transaction that touch one relation, converted in one query. */
interface RelationBatch {
  info: RelationInfo
  items: Item[]
  tuples: WalTuple[]
  filters: FilterCondition[][]
  filterIndex: Map<string, number>
  roles: Set<string>
}

type Verdict = { deliver: true } | { error: string } | { check: true }

// Preparing overlaps round trips of consecutive transactions; more would crowd REST out of the shared pool.
const maxParallelTransactions = 2

function pick(record: JsonRecord, columns: Iterable<string>): JsonRecord {
  const picked: JsonRecord = {}
  for (const name of columns) {
    if (name in record)
      picked[name] = record[name]
  }
  return picked
}

/** UPDATE without an old tuple (default replica identity, key unchanged): the key comes from the new row. */
function oldTupleOf(change: WalChange, info: RelationInfo): WalTuple | undefined {
  if (change.old)
    return change.old
  if (change.kind !== 'UPDATE' || change.relation.replicaIdentity === 'nothing' || !change.new)
    return undefined
  return Object.fromEntries(info.primaryKey.map(name => [name, change.new?.[name]]))
}

/**
 * Whether a subscriber may get this change, following Supabase Realtime: RLS is checked for
 * INSERT/UPDATE on RLS tables by primary key; DELETEs are not checked but carry only the key.
 */
function verdictFor(change: WalChange, info: RelationInfo, access: TableAccess, role: RoleAccess): Verdict {
  if (role.columns.size === 0)
    return { error: 'Error 401: Unauthorized' }
  if (!access.rls || role.bypassRls)
    return { deliver: true }
  if (info.primaryKey.length === 0)
    return { error: 'Error 400: Bad Request, no primary key' }
  if (!info.primaryKey.every(name => role.columns.has(name)))
    return { error: 'Error 401: Unauthorized' }
  return change.kind === 'DELETE' ? { deliver: true } : { check: true }
}

function changeData(change: WalChange, info: RelationInfo, commitTimestamp: string, access: TableAccess, role: RoleAccess, records: { record?: JsonRecord, old?: JsonRecord }): string {
  const columns = info.columns.filter(column => role.columns.has(column.name))
  const data: Record<string, unknown> = {
    schema: info.schema,
    table: info.table,
    commit_timestamp: commitTimestamp,
    type: change.kind,
    columns: columns.map(column => ({ name: column.name, type: column.type })),
  }
  if (change.kind !== 'DELETE')
    data.record = pick(records.record ?? {}, role.columns)
  if (change.kind !== 'INSERT') {
    const visibleColumns = change.kind === 'DELETE' && access.rls ? info.primaryKey : role.columns
    data.old_record = pick(records.old ?? {}, visibleColumns)
  }
  data.errors = null
  return JSON.stringify(data)
}

function errorData(change: WalChange, info: RelationInfo, commitTimestamp: string, error: string): string {
  return JSON.stringify({ schema: info.schema, table: info.table, commit_timestamp: commitTimestamp, type: change.kind, columns: [], record: {}, old_record: {}, errors: [error] })
}

/**
 * Turns committed WAL transactions into postgres_changes frames: matches subscriptions, converts
 * rows, applies filters, column privileges and RLS per subscriber, and delivers in commit order.
 * Consecutive transactions are prepared in parallel; delivery stays strictly sequential.
 */
export function createChangeFeed(pool: pg.Pool, registry: SubscriptionRegistry) {
  const catalog = new RelationCatalog(pool)
  let delivered: Promise<void> = Promise.resolve()
  let running = 0
  const waiting: Array<() => void> = []

  async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= maxParallelTransactions)
      await new Promise<void>(resolve => waiting.push(resolve)) // a finishing job hands its slot over
    else
      running++
    try {
      return await work()
    }
    finally {
      const next = waiting.shift()
      if (next)
        next()
      else
        running--
    }
  }

  async function batchByRelation(candidates: Array<Pick<Item, 'change' | 'position' | 'subscriptions'>>): Promise<Map<Pgoutput.MessageRelation, RelationBatch>> {
    const batches = new Map<Pgoutput.MessageRelation, RelationBatch>()
    for (const { change, position, subscriptions } of candidates) {
      let batch = batches.get(change.relation)
      if (!batch) {
        batch = { info: await catalog.get(change.relation), items: [], tuples: [], filters: [], filterIndex: new Map(), roles: new Set() }
        batches.set(change.relation, batch)
      }
      const subjectTuple = change.kind === 'DELETE' ? change.old ?? {} : change.new ?? {}
      const item: Item = { change, position, subscriptions, subject: batch.tuples.push(subjectTuple) - 1 }
      if (change.kind === 'UPDATE') {
        const old = oldTupleOf(change, batch.info)
        if (old)
          item.old = batch.tuples.push(old) - 1
      }
      else if (change.kind === 'DELETE') {
        item.old = item.subject
      }
      for (const subscription of subscriptions) {
        batch.roles.add(subscription.listener.auth.role)
        if (subscription.conditions.length > 0 && !batch.filterIndex.has(subscription.filterKey)) {
          batch.filterIndex.set(subscription.filterKey, batch.filters.length)
          batch.filters.push(subscription.conditions)
        }
      }
      batch.items.push(item)
    }
    return batches
  }

  async function prepare(tx: WalTransaction): Promise<Delivery[]> {
    const candidates = tx.changes
      .map((change, position) => ({ change, position, subscriptions: registry.matching(change.relation.schema, change.relation.name, change.kind) }))
      .filter(candidate => candidate.subscriptions.length > 0)
    if (candidates.length === 0)
      return []
    const commitTimestamp = tx.commitTime.toISOString()
    const batches = await batchByRelation(candidates)

    const prepared = await Promise.all([...batches.values()].map(async (batch) => {
      const [converted, access] = await Promise.all([
        convertTuples(pool, batch.info, batch.tuples, batch.filters),
        loadAccess(pool, batch.info.oid, [...batch.roles]),
      ])
      return { batch, converted, access }
    }))

    // Decide per (change, subscription); collect the RLS checks all of them need, grouped by claims.
    const checks: VisibilityCheck[] = []
    const checkIndex = new Map<string, number>()
    const needsCheck = (auth: RealtimeAuth, batch: RelationBatch, item: Item) => {
      const key = `${auth.claimsJson}\u0000${batch.info.oid}`
      let at = checkIndex.get(key)
      if (at === undefined) {
        at = checks.push({ role: auth.role, claimsJson: auth.claimsJson, relation: batch.info, keys: [] }) - 1
        checkIndex.set(key, at)
      }
      const tuple = batch.tuples[item.subject]
      const keyAt = checks[at].keys.push(batch.info.primaryKey.map(name => tuple[name] ?? null)) - 1
      return { at, keyAt }
    }
    const decided = prepared.flatMap(({ batch, converted, access }) => batch.items.map(item => ({
      item,
      batch,
      converted,
      access,
      verdicts: item.subscriptions.flatMap((subscription) => {
        const filterAt = batch.filterIndex.get(subscription.filterKey)
        if (filterAt !== undefined && !converted[item.subject].matches[filterAt])
          return []
        // One snapshot of the claims per decision, even if an access_token arrives meanwhile.
        const auth = subscription.listener.auth
        const role = access.roles.get(auth.role)
        if (!role)
          return [] // the role does not exist (any more)
        const verdict = verdictFor(item.change, batch.info, access, role)
        return [{ subscription, role, verdict, check: 'check' in verdict ? needsCheck(auth, batch, item) : undefined }]
      }),
    })))
    const visible = await visibleKeys(pool, tx.xid, checks)

    // Changes of different relations were batched apart; deliver them in WAL order again.
    decided.sort((a, b) => a.item.position - b.item.position)
    const deliveries: Delivery[] = []
    for (const { item, batch, converted, access, verdicts } of decided) {
      const byListener = new Map<ChangeListener, Delivery>()
      for (const { subscription, role, verdict, check } of verdicts) {
        if (check && !visible[check.at].has(check.keyAt))
          continue
        const listener = subscription.listener
        let delivery = byListener.get(listener)
        if (!delivery) {
          const dataJson = 'error' in verdict
            ? errorData(item.change, batch.info, commitTimestamp, verdict.error)
            : changeData(item.change, batch.info, commitTimestamp, access, role, {
                record: item.change.kind === 'DELETE' ? undefined : converted[item.subject].record,
                old: item.old === undefined ? undefined : converted[item.old].record,
              })
          delivery = { listener, ids: [], dataJson }
          byListener.set(listener, delivery)
          deliveries.push(delivery)
        }
        delivery.ids.push(subscription.id)
      }
    }
    return deliveries
  }

  return {
    /** Takes the next committed transaction; call in commit order. */
    accept(tx: WalTransaction): void {
      if (registry.size === 0)
        return
      const prepared = withSlot(() => prepare(tx)).catch((error: Error) => {
        log.error('realtime', `dropping a transaction's changes: ${error.stack ?? error.message}`)
        return [] as Delivery[]
      })
      delivered = delivered.then(async () => {
        for (const delivery of await prepared)
          delivery.listener.deliverChange(delivery.ids, delivery.dataJson)
      })
    },
    /** Resolves when everything accepted so far has been delivered. */
    idle: () => delivered,
  }
}
