// Without VAPID keys nothing can be pushed: a HOT lead's alert is recorded as a push_pending event
// instead, in the lead's own transaction. The stack's functions always have keys, so this runs the
// real handler in-process with the same database and the sender that index.ts builds when
// VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY or VAPID_SUBJECT is missing: none.
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createPool } from '../../../supabase/functions/_shared/db/postgres.ts'
import type { Sql } from '../../../supabase/functions/_shared/db/postgres.ts'
import { handleIngest } from '../../../supabase/functions/ingest-lead/handler.ts'
import { sqlClient } from '../../support/clients.ts'
import type { OrgFixture } from '../database/fixture.ts'
import type { IngestAnswer } from './support.ts'
import { createIngestOrg, eventsOf, ingestUrl, uniqueEmail } from './support.ts'

let sql: pg.Client
let pool: Sql
const background: Array<Promise<unknown>> = []

beforeAll(async () => {
  sql = await sqlClient()
  pool = createPool(inject('stack').dbUrl, { max: 2, applicationName: 'push-pending-tests' })
})
afterAll(async () => {
  await Promise.all(background)
  await pool.end()
  await sql.end()
})

async function ingestWithoutVapid(org: OrgFixture, body: Record<string, unknown>): Promise<Response> {
  const request = new Request(ingestUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-source-key': org.sourceKey },
    body: JSON.stringify(body),
  })
  return await handleIngest(request, { sql: pool, now: () => new Date(), sender: null, trustedProxyHops: 0, background: work => background.push(work) })
}

const hotLead = { name: 'Pia Pending', title: 'VP of Operations', form_type: 'Demo request', company_size: '2000', phone: '+1 646 555 0178' }

describe('alerts without VAPID keys', () => {
  it('records a HOT lead\'s alert for its rep as push_pending, saying why', async () => {
    const org = await createIngestOrg(sql, 'pending', { reps: 1 })
    const response = await ingestWithoutVapid(org, { ...hotLead, email: uniqueEmail('pending') })
    expect(response.status).toBe(201)
    const answer = await response.json() as IngestAnswer
    expect(answer.assigned_to).toBe(org.reps[0]!.id)
    const pending = (await eventsOf(sql, answer.lead_id)).filter(event => event.type === 'push_pending')
    expect(pending).toEqual([{
      type: 'push_pending',
      details: { kind: 'hot_lead', member_id: org.reps[0]!.id, reason: expect.stringMatching(/VAPID keys are not configured/) },
    }])
    expect(background).toHaveLength(0)
  })

  it('records it for the fallback queue\'s owner when nobody could take the lead, and nothing for a COLD lead', async () => {
    const org = await createIngestOrg(sql, 'pending-fallback', { reps: 1 })
    await sql.query(`update public.members set availability = 'off' where id = $1`, [org.reps[0]!.id])
    const hot = await (await ingestWithoutVapid(org, { ...hotLead, email: uniqueEmail('pending-hot') })).json() as IngestAnswer
    expect(hot.assigned_to).toBe(org.manager.id)
    expect((await eventsOf(sql, hot.lead_id)).filter(event => event.type === 'push_pending'))
      .toEqual([{ type: 'push_pending', details: expect.objectContaining({ kind: 'hot_lead', member_id: org.manager.id }) }])

    const cold = await (await ingestWithoutVapid(org, { name: 'Cal Cold', email: uniqueEmail('pending-cold') })).json() as IngestAnswer
    expect((await eventsOf(sql, cold.lead_id)).map(event => event.type)).not.toContain('push_pending')
  })
})
