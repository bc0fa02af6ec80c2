import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { repoRoot } from '../config.ts'
import { introspect } from './introspect.ts'
import { renderTypes } from './render.ts'

/** Where the PWA, tests and scripts import `Database` from. */
export const databaseTypesFile = path.join(repoRoot, 'src', 'types', 'database.ts')

/** TypeScript types of the `public` schema of the database at `dbUrl`, as `supabase gen types typescript` shapes them. */
export async function generateTypes(dbUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    return renderTypes(await introspect(client))
  }
  finally {
    await client.end()
  }
}

export async function writeTypes(dbUrl: string, file = databaseTypesFile): Promise<string> {
  await writeFile(file, await generateTypes(dbUrl))
  return file
}
