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

/**
 * The built-in pgoutput decoder with two changes: the slot is created TEMPORARY on the
 * replication connection itself (PostgreSQL drops it when that connection ends, even on a
 * crash, so no WAL is retained while the stack is down), and column values stay as text
 * because records are converted in SQL the way to_jsonb does it.
 */
class TemporarySlotPgoutput extends PgoutputPlugin {
  override async start(client: pg.Client, slotName: string, lastLsn: string): Promise<unknown> {
    await client.query(`CREATE_REPLICATION_SLOT "${slotName}" TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT`)
    return super.start(client, slotName, lastLsn)
  }

  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer)
    if (message.tag === 'relation') {
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
export function startWalReader(dbUrl: string, publication: string, onTransaction: (tx: WalTransaction) => void): WalReader {
  let closed = false
  let service: LogicalReplicationService | undefined
  let pending: WalChange[] = []
  let xid = 0
  let markReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve) => {
    markReady = resolve
  })

  const onData = (_lsn: string, message: Pgoutput.Message) => {
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
        break
      }
    }
  }

  const connect = () => {
    if (closed)
      return
    const slot = `pronto_realtime_${process.pid}_${randomBytes(4).toString('hex')}`
    const current = new LogicalReplicationService({ connectionString: dbUrl }, { acknowledge: { auto: true, timeoutSeconds: 10 } })
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
    current.subscribe(new TemporarySlotPgoutput({ protoVersion: 1, publicationNames: [publication] }), slot)
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
