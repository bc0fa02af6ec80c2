// The production schedule migration: a no-op without pg_cron/pg_net (as here), and a cron job whose
// HTTP call is the one the local scheduler makes. The job's SQL is run against stand-ins for
// pg_net and Vault inside a rolled-back transaction.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrationsDir } from '../../../supabase/local/config.ts'
import { schedule } from '../../../supabase/local/schedule.ts'
import { sqlClient } from '../../support/clients.ts'

const migrationFile = path.join(migrationsDir, '20261123000900_schedule_sla_escalator.sql')
let sql: pg.Client
let migration: string

beforeAll(async () => {
  sql = await sqlClient()
  migration = await readFile(migrationFile, 'utf8')
})
afterAll(async () => {
  await sql.end()
})

describe('the sla-escalator schedule migration', () => {
  it('applied as a no-op here: no extensions, no cron schema, yet recorded', async () => {
    const { rows: [state] } = await sql.query(`
      select (select count(*)::int from pg_extension where extname in ('pg_cron', 'pg_net')) as extensions,
             to_regnamespace('cron') is null as no_cron,
             exists (select from supabase_migrations.schema_migrations where version = '20261123000900') as recorded`)
    expect(state).toEqual({ extensions: 0, no_cron: true, recorded: true })
  })

  it('is safe to run again', async () => {
    await sql.query('begin')
    try {
      await expect(sql.query(migration)).resolves.toBeDefined()
    }
    finally {
      await sql.query('rollback')
    }
  })

  it('schedules the same call as the local schedule: every 10 s, POST /functions/v1/sla-escalator, service-role key, {}', async () => {
    const local = schedule.find(call => call.function === 'sla-escalator')!
    const cron = /cron\.schedule\(\s*'([^']+)',\s*'(\d+) seconds',\s*\$job\$([\s\S]*?)\$job\$/.exec(migration)
    expect(cron).not.toBeNull()
    const [, jobName, seconds, jobSql] = cron!
    expect(jobName).toBe('pronto-sla-escalator')
    expect(Number(seconds)).toBe(local.everySeconds)

    await sql.query('begin')
    try {
      await sql.query(`
        create schema net;
        create table net.sent (url text, headers jsonb, body jsonb, timeout_milliseconds int);
        create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}',
                                      headers jsonb default '{}', timeout_milliseconds int default 5000)
          returns bigint language sql as $$
            insert into net.sent values (url, headers, body, timeout_milliseconds) returning 1::bigint
          $$;
        create schema vault;
        create view vault.decrypted_secrets as
          select * from (values ('project_url', 'https://ref.supabase.co'), ('service_role_key', 'service-key')) s(name, decrypted_secret);`)
      await sql.query(jobSql)
      const { rows } = await sql.query('select * from net.sent')
      expect(rows).toEqual([{
        url: 'https://ref.supabase.co/functions/v1/sla-escalator',
        headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer service-key', 'apikey': 'service-key' },
        body: local.body,
        timeout_milliseconds: 10000,
      }])
    }
    finally {
      await sql.query('rollback')
    }
  })
})
