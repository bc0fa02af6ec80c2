// Stored Idempotency-Key answers do not pile up: the ingest path deletes expired ones in bounded
// batches (pruneAnswers, run now and then by maybePruneAnswers), as it does on hosted Supabase.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createPool } from '../../../supabase/functions/_shared/db/postgres.ts'
import type { Sql } from '../../../supabase/functions/_shared/db/postgres.ts'
import { ANSWER_TTL_HOURS, maybePruneAnswers, pruneAnswers } from '../../../supabase/functions/ingest-lead/idempotency.ts'
import { sqlClient } from '../../support/clients.ts'
import type { OrgFixture } from '../database/fixture.ts'
import { createIngestOrg } from './support.ts'

let sql: pg.Client
let pool: Sql
let org: OrgFixture

beforeAll(async () => {
  sql = await sqlClient()
  pool = createPool(inject('stack').dbUrl, { max: 1, applicationName: 'idempotency-prune-tests' })
  org = await createIngestOrg(sql, 'prune', { reps: 1 })
})
afterAll(async () => {
  await pool.end()
  await sql.end()
})

async function storeAnswers(ageHours: number, count: number, label: string): Promise<void> {
  await sql.query(
    `insert into public.ingest_requests (source_id, idempotency_key, request_hash, response_status, response_body, created_at)
     select $1, $2 || n, 'hash', 201, '{}'::jsonb, now() - make_interval(hours => $3::int)
     from generate_series(1, $4::int) as n`,
    [org.sourceId, label, ageHours, count])
}

async function keysLeft(): Promise<string[]> {
  const { rows } = await sql.query('select idempotency_key from public.ingest_requests where source_id = $1 order by 1', [org.sourceId])
  return rows.map(row => row.idempotency_key as string)
}

describe('pruning stored answers', () => {
  it('deletes answers past the window, at most `limit` at a time, and keeps the rest', async () => {
    await storeAnswers(ANSWER_TTL_HOURS + 1, 3, 'old-')
    await storeAnswers(ANSWER_TTL_HOURS - 1, 2, 'fresh-')
    // Other test files may have expired answers of their own: count only ours.
    expect(await pruneAnswers(pool, new Date(), 2)).toBe(2)
    expect((await keysLeft()).filter(key => key.startsWith('old-')).length).toBeGreaterThanOrEqual(1)
    while (await pruneAnswers(pool, new Date(), 2) > 0) { /* until nothing is left to prune */ }
    expect(await keysLeft()).toEqual(['fresh-1', 'fresh-2'])
  })

  it('runs from the ingest path only when the post draws the short straw', async () => {
    await storeAnswers(ANSWER_TTL_HOURS + 2, 1, 'drawn-')
    maybePruneAnswers(pool, new Date(), () => 0.99)
    // The prune runs in the background; give a drawn one time to land.
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(await keysLeft()).toContain('drawn-1')
    maybePruneAnswers(pool, new Date(), () => 0)
    const deadline = Date.now() + 5000
    while ((await keysLeft()).includes('drawn-1') && Date.now() < deadline)
      await new Promise(resolve => setTimeout(resolve, 50))
    expect(await keysLeft()).toEqual(['fresh-1', 'fresh-2'])
  })
})
