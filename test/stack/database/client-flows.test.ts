import { randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInClient, sqlClient } from '../../support/clients.ts'
import { createLead, createOrgFixture } from './fixture.ts'
import type { OrgFixture } from './fixture.ts'

// The queue and sync as the rep's phone drives them: supabase-js through the stack's REST.

let sql: pg.Client
let org: OrgFixture
let rep: SupabaseClient

beforeAll(async () => {
  sql = await sqlClient()
  org = await createOrgFixture(sql, 'client', { reps: 1 })
  rep = await signedInClient(org.reps[0].email) as SupabaseClient
})
afterAll(async () => {
  await sql.end()
})

describe('a rep working the queue through supabase-js', () => {
  it('takes the next lead, logs the call, syncs a replayed outbox once', async () => {
    const pool = await createLead(sql, org, { status: 'new', tier: 'HOT', score: 77 })

    const { data: next, error } = await rep.rpc('next_lead').maybeSingle()
    expect(error).toBeNull()
    expect(next).toMatchObject({ id: pool.id, assigned_to: org.reps[0].id, status: 'assigned' })

    const attempt = await rep.rpc('record_contact_attempt', { id: randomUUID(), lead_id: pool.id, channel: 'phone' })
    expect(attempt.error).toBeNull()
    expect(attempt.data).toMatchObject({ status: 'applied', lead_id: pool.id })

    const items = [
      { id: randomUUID(), lead_id: pool.id, outcome: 'voicemail', notes: null, callback_at: null, occurred_at: new Date().toISOString(), channel: 'phone' },
      { id: randomUUID(), lead_id: pool.id, outcome: 'hung_up', notes: null, callback_at: null, occurred_at: new Date().toISOString(), channel: 'phone' },
    ]
    const first = await rep.rpc('sync_dispositions', { items })
    expect(first.error).toBeNull()
    expect(first.data).toEqual([
      { id: items[0].id, status: 'applied', error: null },
      { id: items[1].id, status: 'rejected', error: expect.stringMatching(/^outcome: /) },
    ])
    const replay = await rep.rpc('sync_dispositions', { items })
    expect(replay.data).toEqual([{ ...first.data[0], status: 'duplicate' }, first.data[1]])

    const { data: lead } = await rep.from('leads').select('status, attempt_count, next_attempt_at').eq('id', pool.id).single()
    expect(lead).toMatchObject({ status: 'attempting', attempt_count: 1, next_attempt_at: expect.any(String) })

    // Waiting for the next attempt, it is out of the queue.
    const { data: empty } = await rep.rpc('next_lead').maybeSingle()
    expect(empty).toBeNull()
  })

  it('is told with HTTP 409 and a clear message when a status change breaks the lifecycle', async () => {
    const lead = await createLead(sql, org, { status: 'converted', assigned_to: org.reps[0].id })
    const { error, status } = await rep.from('leads').update({ status: 'new' }).eq('id', lead.id)
    expect(status).toBe(409)
    expect(error).toMatchObject({ code: 'PT409', message: 'illegal lead status transition: converted -> new' })
  })

  it('sets availability and cannot change its own role', async () => {
    const { data, error } = await rep.rpc('set_availability', { status: 'break' })
    expect(error).toBeNull()
    expect(data).toMatchObject({ id: org.reps[0].id, availability: 'break' })
    const denied = await rep.from('members').update({ role: 'admin' }).eq('id', org.reps[0].id)
    expect(denied.status).toBe(403)
    expect(denied.error).toMatchObject({ code: '42501' })
  })
})
