import type { SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonClient, serviceClient, signedInClient, sqlClient } from '../../support/clients.ts'
import { actors, createMatrixFixture, rpcCases, tableAllows, tableCases } from './access-matrix.ts'
import type { Actor, MatrixFixture, RpcCase, TableCase, UserActor } from './access-matrix.ts'
import { asUser, serviceRole, sqlState } from './as-user.ts'
import { toParam } from './fixture.ts'
import type { Row } from './fixture.ts'

type Verdict = 'allowed' | 'denied'

/** Runs one case as one actor; a permission error or no row touched means denied. */
interface Driver {
  table: (c: TableCase, actor: Actor, filter: Row, values: Row) => Promise<Verdict>
  /** The answer, or 'denied'. */
  rpc: (c: RpcCase, actor: Actor, args: Row) => Promise<{ verdict: Verdict, result?: unknown }>
}

// Denials: missing privilege or a row-level policy (42501), a lead the caller may not see (PT404).
const denialCodes = ['42501', 'PT404']

let sql: pg.Client
let fx: MatrixFixture

beforeAll(async () => {
  sql = await sqlClient()
  fx = await createMatrixFixture(sql)
})
afterAll(async () => {
  await sql.end()
})

const userIdOf = (actor: Actor) => actor === 'anon' ? null : actor === 'service_role' ? serviceRole : fx.users[actor].id
const where = (filter: Row, from: number) => Object.keys(filter).map((column, i) => `${column} = $${from + i}`).join(' and ')

/** Direct SQL set up as PostgREST sets up a request; every probe is rolled back. */
function sqlDriver(): Driver {
  return {
    async table(c, actor, filter, values) {
      const params = (row: Row) => Object.values(row).map(toParam)
      const statement = {
        select: () => [`select ${c.columns ?? 'id'} from public.${c.table} where ${where(filter, 1)}`, params(filter)],
        insert: () => [`insert into public.${c.table} (${Object.keys(values).join(', ')}) values (${Object.keys(values).map((_, i) => `$${i + 1}`).join(', ')})`, params(values)],
        update: () => [`update public.${c.table} set ${where(values, 1).replaceAll(' and ', ', ')} where ${where(filter, Object.keys(values).length + 1)}`, [...params(values), ...params(filter)]],
        delete: () => [`delete from public.${c.table} where ${where(filter, 1)}`, params(filter)],
      }[c.op]() as [string, unknown[]]
      try {
        const { rowCount } = await asUser(sql, userIdOf(actor), s => s.query(...statement))
        return rowCount! > 0 ? 'allowed' : 'denied'
      }
      catch (error) {
        if (denialCodes.includes(sqlState(error)!))
          return 'denied'
        throw error
      }
    },
    async rpc(c, actor, args) {
      const names = Object.keys(args)
      const call = `public.${c.rpc}(${names.map((name, i) => `${name} => $${i + 1}`).join(', ')})`
      const query = c.returnsSet
        ? `select coalesce(jsonb_agg(to_jsonb(r)), '[]') as result from ${call} as r`
        : `select to_jsonb(${call}) as result`
      try {
        // RPC arguments that are objects or lists are json.
        const values = names.map(name => typeof args[name] === 'object' && args[name] !== null ? JSON.stringify(args[name]) : args[name])
        const { rows } = await asUser(sql, userIdOf(actor), s => s.query(query, values))
        return { verdict: 'allowed', result: rows[0].result }
      }
      catch (error) {
        if (denialCodes.includes(sqlState(error)!))
          return { verdict: 'denied' }
        throw error
      }
    },
  }
}

/** The real client through the stack's REST and Auth: changes are committed, so cases undo them. */
function supabaseDriver(clients: Map<Actor, SupabaseClient>): Driver {
  const verdictOf = (error: { code: string, message: string } | null, rows: number): Verdict => {
    if (error) {
      if (denialCodes.includes(error.code))
        return 'denied'
      throw new Error(`${error.code}: ${error.message}`)
    }
    return rows > 0 ? 'allowed' : 'denied'
  }
  return {
    async table(c, actor, filter, values) {
      const table = clients.get(actor)!.from(c.table)
      const key = c.columns ?? 'id'
      switch (c.op) {
        case 'select': {
          const { data, error } = await table.select(key).match(filter)
          return verdictOf(error, data?.length ?? 0)
        }
        case 'insert': {
          const { error } = await table.insert(values)
          return verdictOf(error, 1)
        }
        // Counted rather than returned, like the SQL driver: no SELECT policy or privilege involved.
        case 'update': {
          const { count, error } = await table.update(values, { count: 'exact' }).match(filter)
          return verdictOf(error, count ?? 0)
        }
        case 'delete': {
          const { count, error } = await table.delete({ count: 'exact' }).match(filter)
          return verdictOf(error, count ?? 0)
        }
      }
    },
    async rpc(c, actor, args) {
      const { data, error } = await clients.get(actor)!.rpc(c.rpc, args)
      return verdictOf(error, 1) === 'allowed' ? { verdict: 'allowed', result: data } : { verdict: 'denied' }
    },
  }
}

function matrix(name: string, connect: () => Promise<Driver>) {
  describe(`access matrix through ${name}`, () => {
    let driver: Driver
    beforeAll(async () => {
      driver = await connect()
    })

    describe.each(tableCases.map(c => [`${c.op} ${c.table}: ${c.what}`, c] as const))('%s', (_title, c) => {
      it.each(actors.map(actor => [actor, tableAllows(c, actor) ? 'allowed' : 'denied'] as const))('%s is %s', async (actor, expected) => {
        const target = c.disposable ? await c.disposable(sql, fx) : undefined
        const values = c.op === 'insert' ? c.row(fx, actor) : c.set?.(fx) ?? {}
        try {
          expect(await driver.table(c, actor, target ?? c.row(fx, actor), values)).toBe(expected)
        }
        finally {
          // Undo what a committed run may have left: the disposable row, or an allowed insert.
          const leftover = target?.id ?? (c.op === 'insert' ? values.id : undefined)
          if (leftover)
            await sql.query(`delete from public.${c.table} where id = $1`, [leftover])
          await c.cleanup?.(sql, fx)
        }
      })
    })

    describe.each(rpcCases.map(c => [`rpc ${c.rpc}: ${c.what}`, c] as const))('%s', (_title, c) => {
      it.each(actors.map(actor => [actor, c.allowed.includes(actor) ? 'allowed' : 'denied'] as const))('%s is %s', async (actor, expected) => {
        const prepared = await c.disposable?.(sql, fx)
        try {
          const { verdict, result } = await driver.rpc(c, actor, { ...c.args(fx, actor), ...prepared?.args })
          expect(verdict).toBe(expected)
          if (verdict === 'allowed' && c.answers)
            expect(c.answers(fx, actor, result), JSON.stringify(result)).toBe(true)
        }
        finally {
          await prepared?.cleanup()
        }
      })
    })
  })
}

matrix('direct SQL as PostgREST runs it', async () => sqlDriver())

matrix('supabase-js (REST and Auth of the local stack)', async () => {
  const clients = new Map<Actor, SupabaseClient>([['anon', anonClient() as SupabaseClient], ['service_role', serviceClient() as SupabaseClient]])
  for (const actor of actors.filter(actor => actor !== 'anon' && actor !== 'service_role'))
    clients.set(actor, await signedInClient(fx.users[actor as UserActor].email) as SupabaseClient)
  return supabaseDriver(clients)
})
