import { createClient, FunctionsHttpError } from '@supabase/supabase-js'
import type { SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { inject } from 'vitest'
import WebSocket from 'ws'
import type { Database } from '../../src/types/database.ts'

export const demoPassword = 'pronto-demo'

/** A supabase-js client against the test stack; Node 20 needs `ws` for realtime. */
export function anonClient(): SupabaseClient<Database> {
  const { apiUrl, anonKey } = inject('stack')
  return createClient<Database>(apiUrl, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })
}

export function serviceClient(): SupabaseClient<Database> {
  const { apiUrl, serviceRoleKey } = inject('stack')
  return createClient<Database>(apiUrl, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })
}

/** A client signed in as a seeded demo user, e.g. `rep1@demo.pronto.test`. */
export async function signedInClient(email: string, password = demoPassword): Promise<SupabaseClient<Database>> {
  const client = anonClient()
  const { error } = await client.auth.signInWithPassword({ email, password })
  if (error)
    throw new Error(`sign-in as ${email} failed: ${error.message}`)
  return client
}

/** A direct superuser connection, for tests where SQL is the point. */
export async function sqlClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: inject('stack').dbUrl })
  await client.connect()
  return client
}

/** An edge function's answer as the PWA gets it: the status and JSON body, refusals included. */
export async function invokeFunction(client: SupabaseClient, name: string, body: Record<string, unknown> = {}): Promise<{ status: number, body: Record<string, unknown> }> {
  const { data, error } = await client.functions.invoke(name, { body })
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response
    return { status: response.status, body: await response.json() }
  }
  if (error)
    throw error
  return { status: 200, body: data }
}

/** A lead's events in the order they were written. */
export async function leadEvents(sql: pg.ClientBase, leadId: unknown): Promise<Array<{ type: string, actor_id: string | null, details: Record<string, unknown> }>> {
  const { rows } = await sql.query('select type, actor_id, details from public.lead_events where lead_id = $1 order by id', [leadId])
  return rows
}
