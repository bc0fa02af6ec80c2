// src/types/database.ts must be what `npm run db:types` generates from the schema the migrations
// build, so a migration without regenerated types fails here (and in CI).
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { migrate } from '../../../supabase/local/postgres/migrate.ts'
import { databaseTypesFile, generateTypes } from '../../../supabase/local/typegen/index.ts'

// Other test files add fixture tables and functions to the shared stack's public schema, so the
// drift check generates from a database of its own that holds exactly what the migrations build.
const pristineName = 'pronto_typegen_check'
let pristineUrl: string

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('stack').dbUrl })
  await client.connect()
  try {
    await client.query(statement)
  }
  finally {
    await client.end()
  }
}

beforeAll(async () => {
  await onServer(`drop database if exists ${pristineName} with (force)`)
  await onServer(`create database ${pristineName}`)
  const url = new URL(inject('stack').dbUrl)
  url.pathname = `/${pristineName}`
  pristineUrl = url.toString()
  await migrate(pristineUrl, { seed: false })
}, 60_000)

afterAll(async () => {
  await onServer(`drop database if exists ${pristineName} with (force)`)
})

describe('src/types/database.ts', () => {
  it('equals a fresh generation from the schema the migrations build (run `npm run db:types` if not)', async () => {
    const committed = await readFile(databaseTypesFile, 'utf8')
    const fresh = await generateTypes(pristineUrl)
    expect(committed, 'src/types/database.ts is out of date: run `npm run db:types`').toBe(fresh)
  })

  it('describes every table, view, function and enum of the public schema', async () => {
    const fresh = await generateTypes(inject('stack').dbUrl)
    const client = new pg.Client({ connectionString: inject('stack').dbUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ name: string }>(`
        select c.relname as name from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
        union select t.typname from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'e'
        union select p.proname from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'`)
      expect(rows.length).toBeGreaterThan(0)
      for (const { name } of rows)
        expect(fresh, `${name} is missing`).toMatch(new RegExp(`^\\s+(${name}|"${name}"):`, 'm'))
    }
    finally {
      await client.end()
    }
  })
})
