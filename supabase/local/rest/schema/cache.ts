import pg from 'pg'
import { log } from '../../log.ts'
import { RestError } from '../errors.ts'
import { introspect } from './introspect.ts'
import type { SchemaSnapshot } from './introspect.ts'

const reconnectDelayMs = 1000
// Reloads for lookups that miss are a safety net for a notification still in flight; a client
// asking again and again for the same missing thing must not reload every time.
const missReloadIntervalMs = 1000
const maxMissesTracked = 1000

/**
 * PostgREST's schema cache: introspected on first use, reloaded on `NOTIFY pgrst, 'reload schema'`
 * (sent by the DDL event triggers of platform.sql) and, as a safety net for a notification still
 * in flight, when a request names something the snapshot predates.
 */
export class SchemaCache {
  private current?: Promise<SchemaSnapshot>
  private inflight?: Promise<SchemaSnapshot>
  private reloadQueued = false
  private listening?: Promise<void>
  private listener?: pg.Client
  private closed = false
  private readonly missReloads = new Map<string, number>()

  constructor(private readonly pool: pg.Pool, private readonly dbUrl: string, readonly schema: string) {}

  /** The snapshot requests use; the first call starts listening and loads it. */
  get(): Promise<SchemaSnapshot> {
    if (!this.current)
      this.reload()
    return this.current ?? Promise.reject(new Error('the schema cache is closed'))
  }

  /**
   * After a lookup missed (`miss` names what): a snapshot whose loading began at or after `since`
   * (ms since epoch), reloading if needed, unless the same miss reloaded within the last second.
   */
  async fresherThan(since: number, miss: string): Promise<SchemaSnapshot> {
    const snapshot = await this.get()
    const now = Date.now()
    if (snapshot.loadedAt >= since || now - (this.missReloads.get(miss) ?? 0) < missReloadIntervalMs)
      return snapshot
    if (this.missReloads.size >= maxMissesTracked)
      this.missReloads.clear()
    this.missReloads.set(miss, now)
    this.reload()
    return this.get()
  }

  /** Starts a load after the one in flight (a burst of notifications coalesces into one). */
  reload(): void {
    if (this.reloadQueued || this.closed)
      return
    this.reloadQueued = true
    const previous = this.inflight ?? Promise.resolve()
    const next = previous.catch(() => undefined).then(async () => {
      this.reloadQueued = false
      await (this.listening ??= this.listen())
      return introspect(this.pool, this.schema)
    })
    this.inflight = next
    this.current = next
    next.then(
      snapshot => log.debug('rest', `schema cache loaded: ${snapshot.tables.size} tables, ${snapshot.routines.size} functions`),
      (error: Error) => {
        if (!this.closed)
          log.error('rest', `schema cache load failed: ${error.message}`)
        if (this.current === next)
          this.current = undefined
      },
    )
  }

  /** The current snapshot, or PGRST002 when the database cannot be introspected. */
  async snapshot(): Promise<SchemaSnapshot> {
    try {
      return await this.get()
    }
    catch {
      throw new RestError(503, 'PGRST002', 'Could not query the database for the schema cache. Retrying.')
    }
  }

  private async listen(): Promise<void> {
    if (this.closed)
      return
    const client = new pg.Client({ connectionString: this.dbUrl })
    this.listener = client
    client.on('notification', (message) => {
      if (message.channel === 'pgrst' && (!message.payload || message.payload === 'reload schema'))
        this.reload()
    })
    client.on('error', (error) => {
      log.debug('rest', `schema listener lost its connection: ${error.message}`)
      this.reconnect(client)
    })
    try {
      await client.connect()
      await client.query('listen pgrst')
    }
    catch (error) {
      log.error('rest', `cannot listen for schema reloads: ${(error as Error).message}`)
      this.reconnect(client)
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.listener !== client)
      return
    this.listener = undefined
    client.end().catch(() => {})
    setTimeout(() => {
      if (this.closed)
        return
      // Notifications may have been missed while disconnected.
      this.listening = this.listen()
      this.reload()
    }, reconnectDelayMs).unref()
  }

  async close(): Promise<void> {
    this.closed = true
    await this.listener?.end().catch(() => {})
    this.listener = undefined
  }
}
