import pg from 'pg'
import { afterAll, beforeAll, inject } from 'vitest'

/**
 * A direct superuser connection shared by the tests of one file: connected before they run and
 * closed after them, once whatever else the file opened is closed (`closeFirst`, e.g. a pool).
 * Call it at the top of the file; the client is usable inside the tests and hooks.
 */
export function fileSqlClient(...closeFirst: Array<() => Promise<unknown>>): pg.Client {
  const client = new pg.Client({ connectionString: inject('stack').dbUrl })
  beforeAll(() => client.connect())
  afterAll(async () => {
    for (const close of closeFirst)
      await close()
    await client.end()
  })
  return client
}
