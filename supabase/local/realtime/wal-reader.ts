import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication'
import type { Pgoutput } from 'pg-logical-replication'
import { log } from '../log.ts'

export type ChangeKind = 'INSERT' | 'UPDATE' | 'DELETE'

/** Column values as PostgreSQL's text output; `undefined` is an unchanged TOAST value WAL left out. */
export type WalTuple = Record<string, string | null | undefined>

export interface WalChange {
  kind: ChangeKind
  relation: Pgoutput.MessageRelation
  /** The row after INSERT/UPDATE. */
  new?: WalTuple
  /** Before UPDATE/DELETE: every column with REPLICA IDENTITY FULL, else only the key (if sent). */
  old?: WalTuple
}

/** One committed transaction, changes in WAL order. */
export interface WalTransaction {
  /** 32-bit transaction id, to wait until the commit is visible to other sessions. */
  xid: number
  commitTime: Date
  changes: WalChange[]
}

export interface WalReader {
  /** Resolves once the slot exists and streaming has started: later commits will be seen. */
  ready: () => Promise<void>
  close: () => Promise<void>
}

/** Whether a change to schema.table could reach a subscriber: changes to other tables are not decoded. */
export type WatchedRelation = (schema: string, table: string) => boolean

/** A row change to a table nobody subscribes to, left undecoded. */
interface UnwatchedChange {
  tag: 'unwatched'
}

type WalMessage = Pgoutput.Message | UnwatchedChange

// pgoutput's message types for a row inserted, updated and deleted; each is followed by the relation's oid.
const rowChangeTags = new Set(['I', 'U', 'D'].map(tag => tag.charCodeAt(0)))

/**
 * The built-in pgoutput decoder with three changes: the slot is created TEMPORARY on the
 * replication connection itself (PostgreSQL drops it when that connection ends, even on a
 * crash, so no WAL is retained while the stack is down); column values stay as text because
 * records are converted in SQL the way to_jsonb does it; and row changes to tables nobody
 * watches are skipped undecoded. The stream shares the gateway's event loop, and decoding a bulk
 * write nobody listens to (an escalator run's 30,000 rows) would hold up the requests it serves.
 */
class TemporarySlotPgoutput {
  private readonly pgoutput: PgoutputPlugin
  private readonly relationNames = new Map<number, { schema: string, name: string }>()

  constructor(readonly options: Pgoutput.Options, private readonly watched: WatchedRelation) {
    this.pgoutput = new PgoutputPlugin(options)
  }

  get name(): string {
    return this.pgoutput.name
  }

  async start(client: pg.Client, slotName: string, lastLsn: string): Promise<unknown> {
    await client.query(`CREATE_REPLICATION_SLOT "${slotName}" TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT`)
    return this.pgoutput.start(client, slotName, lastLsn)
  }

  parse(buffer: Buffer): WalMessage {
    if (rowChangeTags.has(buffer[0])) {
      const relation = this.relationNames.get(buffer.readUInt32BE(1))
      if (relation && !this.watched(relation.schema, relation.name))
        return { tag: 'unwatched' }
    }
    const message = this.pgoutput.parse(buffer)
    if (message.tag === 'relation') {
      this.relationNames.set(message.relationOid, { schema: message.schema, name: message.name })
      for (const column of message.columns)
        column.parser = (text: string) => text
    }
    return message
  }
}

const retryMs = 1000

/**
 * Streams committed changes of the tables in `publication` over logical replication and hands
 * each transaction, whole and in commit order, to `onTransaction`. Reconnects with a fresh
 * slot if the connection drops (changes committed meanwhile are not replayed).
 */
export function startWalReader(dbUrl: string, publication: string, watched: WatchedRelation, onTransaction: (tx: WalTransaction) => void): WalReader {
  let closed = false
  let service: LogicalReplicationService | undefined
  let pending: WalChange[] = []
  let xid = 0
  let markReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => {
    markReady = resolve
  })

  const onData = (lsn: string, message: WalMessage) => {
    switch (message.tag) {
      case 'begin':
        pending = []
        xid = message.xid >>> 0
        break
      case 'insert':
        pending.push({ kind: 'INSERT', relation: message.relation, new: message.new })
        break
      case 'update':
        pending.push({ kind: 'UPDATE', relation: message.relation, new: message.new, old: message.old ?? message.key ?? undefined })
        break
      case 'delete':
        pending.push({ kind: 'DELETE', relation: message.relation, old: message.old ?? message.key ?? undefined })
        break
      case 'commit': {
        const changes = pending
        pending = []
        if (changes.length > 0)
          onTransaction({ xid, commitTime: new Date(Number((message.commitTime as bigint) / 1000n)), changes })
        // The whole transaction is handled: PostgreSQL may let its WAL go. A lost connection
        // is reported by the stream itself.
        service?.acknowledge(lsn).catch(() => {})
        break
      }
    }
  }

  const connect = () => {
    if (closed)
      return
    const slot = `pronto_realtime_${process.pid}_${randomBytes(4).toString('hex')}`
    // Acknowledged once per transaction, at its commit (above), not after every message as the
    // library's automatic mode does: that answers each row change with a status message, 30,000
    // socket writes from the gateway's event loop for one escalator run and as many for the
    // walsender to read, while the run's HTTP response waits in the same loop.
    const current = new LogicalReplicationService({ connectionString: dbUrl }, { acknowledge: { auto: false, timeoutSeconds: 10 } })
    service = current
    let failed = false
    const retry = (error: Error) => {
      if (closed || failed)
        return
      failed = true
      log.error('realtime', `replication stream lost (${error.message}); reconnecting`)
      void current.destroy().catch(() => {}).then(() => setTimeout(connect, retryMs))
    }
    current.on('data', onData)
    current.on('heartbeat', (lsn: string, _timestamp: number, shouldRespond: boolean) => {
      if (shouldRespond)
        void current.acknowledge(lsn)
    })
    current.on('start', () => {
      log.debug('realtime', `streaming publication ${publication} through temporary slot ${slot}`)
      markReady()
    })
    current.on('error', retry)
    current.subscribe(new TemporarySlotPgoutput({ protoVersion: 1, publicationNames: [publication] }, watched), slot)
      .then(() => retry(new Error('replication ended')))
      .catch(retry)
  }
  connect()

  return {
    ready: () => readyPromise,
    close: async () => {
      closed = true
      await service?.destroy()
    },
  }
}
