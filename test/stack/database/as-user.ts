import type pg from 'pg'

/** The edge functions' key: PostgREST runs its requests as role service_role. */
export const serviceRole = { role: 'service_role' } as const

/**
 * Runs `work` inside one transaction as PostgREST runs a request: role `authenticated` with the
 * user's JWT claims (or `anon` for null, or `service_role`). Rolled back unless `commit`, so a
 * probe leaves no trace.
 */
export async function asUser<T>(
  sql: pg.ClientBase,
  userId: string | null | typeof serviceRole,
  work: (sql: pg.ClientBase) => Promise<T>,
  options: { commit?: boolean } = {},
): Promise<T> {
  const role = typeof userId === 'string' ? 'authenticated' : userId?.role ?? 'anon'
  const claims = typeof userId === 'string' ? { sub: userId, role, aud: 'authenticated' } : { role }
  await sql.query('begin')
  try {
    await sql.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, JSON.stringify(claims)])
    const result = await work(sql)
    await sql.query(options.commit ? 'commit' : 'rollback')
    return result
  }
  catch (error) {
    await sql.query('rollback')
    throw error
  }
}

/** The SQLSTATE of a failed query (pg attaches it as `code`). */
export function sqlState(error: unknown): string | undefined {
  return (error as { code?: string }).code
}
