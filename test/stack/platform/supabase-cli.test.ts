// The real Supabase CLI (npm package `supabase`) looks at the stack's database the way it looks at a
// hosted one: every migration applied, nothing to push.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, inject, it } from 'vitest'
import { repoRoot } from '../../../supabase/local/config.ts'
import { listMigrations } from '../../../supabase/local/postgres/migrate.ts'

const run = promisify(execFile)
const supabaseCli = path.join(repoRoot, 'node_modules', '.bin', 'supabase')

/** Runs the CLI at the repository root against the stack's database; CLI 3.x takes the URL as --remote=<url>. */
async function cli<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(supabaseCli, [...args, `--remote=${inject('stack').dbUrl}`, '--output-format', 'json'], {
    cwd: repoRoot,
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    timeout: 60_000,
  })
  return JSON.parse(stdout) as T
}

describe('the Supabase CLI against the stack\'s database', () => {
  it('db push --dry-run has nothing to push', async () => {
    const answer = await cli<{ upToDate: boolean, dryRun: boolean, migrations: string[] }>('db', 'push', '--dry-run', '--skip-vault')
    expect(answer.dryRun).toBe(true)
    expect(answer.migrations).toEqual([])
    expect(answer.upToDate).toBe(true)
  }, 60_000)

  it('migration list shows every local migration applied remotely', async () => {
    const answer = await cli<{ migrations: Array<{ local: string, remote: string }> }>('migration', 'list')
    const local = (await listMigrations()).map(migration => migration.version)
    expect(answer.migrations.map(row => row.local)).toEqual(local)
    expect(answer.migrations.map(row => row.remote)).toEqual(local)
  }, 60_000)
})
