// What hosted Supabase provides before any migration, as the stack bootstraps it: roles, auth
// helpers reading the request's claims, the realtime publication, and the CLI's migration history.
import { readFile } from 'node:fs/promises'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listMigrations } from '../../../supabase/local/postgres/migrate.ts'
import { sqlClient } from '../../support/clients.ts'

let sql: pg.Client

beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

/** Runs `query` inside a rolled-back transaction as `role` with the given JWT claims, as the REST service does. */
async function asRequest<T extends pg.QueryResultRow>(role: string, claims: Record<string, unknown>, query: string): Promise<T> {
  await sql.query('begin')
  try {
    await sql.query('select set_config(\'role\', $1, true), set_config(\'request.jwt.claims\', $2, true)', [role, JSON.stringify(claims)])
    return (await sql.query<T>(query)).rows[0]
  }
  finally {
    await sql.query('rollback')
  }
}

describe('roles', () => {
  it('has anon, authenticated and service_role, which authenticator can become', async () => {
    const { rows } = await sql.query<{ rolname: string, rolcanlogin: boolean, rolbypassrls: boolean, member: boolean }>(`
      select rolname, rolcanlogin, rolbypassrls, pg_has_role('authenticator', oid, 'member') as member
      from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by rolname`)
    expect(rows).toEqual([
      { rolname: 'anon', rolcanlogin: false, rolbypassrls: false, member: true },
      { rolname: 'authenticated', rolcanlogin: false, rolbypassrls: false, member: true },
      { rolname: 'service_role', rolcanlogin: false, rolbypassrls: true, member: true },
    ])
    const { rows: [authenticator] } = await sql.query('select rolcanlogin, rolinherit from pg_roles where rolname = \'authenticator\'')
    expect(authenticator).toEqual({ rolcanlogin: true, rolinherit: false })
  })
})

describe('auth helpers', () => {
  it('auth.uid(), role(), email() and jwt() read request.jwt.claims', async () => {
    const sub = crypto.randomUUID()
    const row = await asRequest<Record<string, unknown>>('authenticated', { sub, role: 'authenticated', email: 'ada@example.com', aal: 'aal1' },
      'select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> \'aal\' as aal, current_user as who')
    expect(row).toEqual({ uid: sub, role: 'authenticated', email: 'ada@example.com', aal: 'aal1', who: 'authenticated' })
  })

  it('are null for an anonymous request, and readable by the anon role', async () => {
    const row = await asRequest<Record<string, unknown>>('anon', { role: 'anon' }, 'select auth.uid() as uid, auth.role() as role, auth.email() as email')
    expect(row).toEqual({ uid: null, role: 'anon', email: null })
  })

  it('still honour the legacy request.jwt.claim.sub setting', async () => {
    const sub = crypto.randomUUID()
    await sql.query('begin')
    try {
      await sql.query('select set_config(\'request.jwt.claim.sub\', $1, true)', [sub])
      expect((await sql.query('select auth.uid() as uid')).rows[0].uid).toBe(sub)
    }
    finally {
      await sql.query('rollback')
    }
  })

  it('have auth.users with the columns applications read', async () => {
    const { rows } = await sql.query<{ column_name: string }>(`
      select column_name from information_schema.columns where table_schema = 'auth' and table_name = 'users'`)
    expect(rows.map(row => row.column_name)).toEqual(expect.arrayContaining(['id', 'email', 'encrypted_password', 'raw_app_meta_data', 'raw_user_meta_data', 'created_at', 'email_confirmed_at']))
  })
})

describe('realtime', () => {
  it('has the supabase_realtime publication', async () => {
    const { rows } = await sql.query('select pubname from pg_publication where pubname = \'supabase_realtime\'')
    expect(rows).toHaveLength(1)
  })
})

describe('migration history', () => {
  it('records every file of supabase/migrations as the Supabase CLI does: version, name, statements', async () => {
    const migrations = await listMigrations()
    expect(migrations.length).toBeGreaterThan(0)
    const { rows } = await sql.query<{ version: string, name: string, statements: string[] }>(
      'select version, name, statements from supabase_migrations.schema_migrations order by version')
    expect(rows.map(row => row.version)).toEqual(migrations.map(migration => migration.version))
    for (const migration of migrations) {
      const row = rows.find(candidate => candidate.version === migration.version)!
      expect(row.name).toBe(migration.name)
      expect(row.statements).toEqual([await readFile(migration.file, 'utf8')])
    }
  })
})
