import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { migrationsDir, seedFile } from '../config.ts'
import { log } from '../log.ts'

const platformSql = new URL('./platform.sql', import.meta.url)
const migrationFile = /^(\d+)_(.+)\.sql$/

export interface Migration {
  version: string
  name: string
  file: string
}

/** The migrations of `supabase/migrations/`, named `<version>_<name>.sql` as the Supabase CLI names them, in order. */
export async function listMigrations(): Promise<Migration[]> {
  const files = (await readdir(migrationsDir)).filter(file => migrationFile.test(file)).sort()
  return files.map((file) => {
    const [, version, name] = migrationFile.exec(file)!
    return { version, name, file: path.join(migrationsDir, file) }
  })
}

/**
 * Brings a database to the state hosted Supabase plus this project's migrations would have:
 * the platform bootstrap, every migration not yet recorded in supabase_migrations.schema_migrations
 * (each in its own transaction, recorded as the CLI records it), then seed.sql on a fresh database.
 */
export async function migrate(dbUrl: string, options: { seed: boolean }): Promise<{ applied: string[] }> {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    await client.query(await readFile(platformSql, 'utf8'))
    const done = new Set((await client.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map(row => row.version))
    const applied: string[] = []
    for (const migration of await listMigrations()) {
      if (done.has(migration.version))
        continue
      const sql = await readFile(migration.file, 'utf8')
      try {
        await client.query('begin')
        await client.query(sql)
        await client.query(
          'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
          [migration.version, migration.name, [sql]],
        )
        await client.query('commit')
      }
      catch (error) {
        await client.query('rollback')
        throw new Error(`Migration ${path.basename(migration.file)} failed: ${(error as Error).message}`, { cause: error })
      }
      applied.push(migration.version)
      log.debug('db', `applied migration ${migration.version}_${migration.name}`)
    }
    if (options.seed) {
      await client.query(await readFile(seedFile, 'utf8'))
      log.debug('db', 'seeded supabase/seed.sql')
    }
    return { applied }
  }
  finally {
    await client.end()
  }
}
