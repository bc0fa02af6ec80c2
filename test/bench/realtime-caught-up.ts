import type pg from 'pg'

/**
 * Waits until the stack's realtime has read the WAL up to now. It decodes every change to the
 * published tables (leads, lead_events, members) in the gateway's own process: without this, rows a
 * benchmark has just set up are decoded while it measures, on the same two cores, and that work is
 * timed as the benchmark's. A change committed now, to a published table, is acknowledged once
 * everything before it is.
 */
export async function realtimeCaughtUp(db: pg.Client, orgId: string, timeoutMs = 30_000): Promise<void> {
  await db.query('begin')
  await db.query(`update public.members set updated_at = now() where org_id = $1 and role = 'manager'`, [orgId])
  const { rows: [{ lsn }] } = await db.query('select pg_current_wal_insert_lsn()::text as lsn')
  await db.query('commit')
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { rows: [{ behind }] } = await db.query(
      `select count(*)::int as behind from pg_replication_slots where slot_type = 'logical' and active and confirmed_flush_lsn < $1::pg_lsn`, [lsn])
    if (behind === 0)
      return
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error(`the stack's realtime did not read the benchmark's writes within ${timeoutMs / 1000} s`)
}
