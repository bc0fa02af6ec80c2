import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlClient } from '../../support/clients.ts'

let sql: pg.Client

beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

describe('the schema catalog', () => {
  it('pins search_path on every security definer function of public and private', async () => {
    // A definer function that resolves names through the caller's search_path runs the caller's
    // objects with the owner's rights.
    const { rows } = await sql.query<{ name: string, config: string[] | null }>(`
      select p.oid::regprocedure::text as name, p.proconfig as config
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private') and p.prosecdef
      order by 1`)
    expect(rows.length).toBeGreaterThan(10)
    const unpinned = rows.filter(row => !(row.config ?? []).some(setting => setting.startsWith('search_path=')))
    expect(unpinned.map(row => row.name)).toEqual([])
  })
})
