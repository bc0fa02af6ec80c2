// The plans of a bulk step's statements: made once per connection, without the values.
import type { Tx } from '../_shared/db/postgres.ts'

/**
 * For the rest of the step's transaction, PostgreSQL plans each statement without its parameters
 * (a generic plan, kept by the connection) rather than with them inlined: the bulk writes send
 * thousands of ids, times and event details per statement, and planning with those values cost
 * 20-45 ms per statement (about 120 ms of a 10,000-lead breach), on every run, since a connection
 * plans the first five runs of a statement that way. The generic plans look the leads up one by
 * one through their key, which suits any number of them.
 */
export async function planWithoutValues(tx: Tx): Promise<void> {
  await tx`set local plan_cache_mode = force_generic_plan`
}
