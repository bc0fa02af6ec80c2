// A callback the rep promised buzzes their phone once when it comes due; only the service role
// may run the escalator, and a bad clock is refused with a clear message.
import { randomUUID } from 'node:crypto'
import { describe, expect, inject, it } from 'vitest'
import { anonClient, serviceClient, signedInClient } from '../../support/clients.ts'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { createOrgFixture } from '../database/fixture.ts'
import { assignedLead, at, closeFunctionsSql, eventsOf, runEscalator } from './support.ts'

const sql = fileSqlClient(closeFunctionsSql)

describe('a callback set in a disposition', () => {
  it('reminds the rep once when it comes due, and again for a new callback time', async () => {
    const org = await createOrgFixture(sql, 'callback', { reps: 1 })
    const lead = await assignedLead(sql, org, at('2025-02-10T15:00:00Z'), { tier: 'WARM' })
    const rep = await signedInClient(org.reps[0]!.email)
    const logCallback = async (occurredAt: string, callbackAt: string) => {
      const { data, error } = await rep.rpc('sync_dispositions', {
        items: [{ id: randomUUID(), lead_id: lead.id, outcome: 'callback', occurred_at: occurredAt, callback_at: callbackAt }],
      })
      expect(error).toBeNull()
      expect(data).toMatchObject([{ status: 'applied' }])
    }
    await logCallback('2025-02-10T15:10:00Z', '2025-02-10T20:00:00Z')

    await runEscalator('2025-02-10T19:59:00Z')
    expect(await eventsOf(sql, lead.id, ['reminded'])).toEqual([])
    await runEscalator('2025-02-10T20:00:20Z')
    await runEscalator('2025-02-10T20:05:00Z')
    const reminders = await eventsOf(sql, lead.id, ['reminded'])
    expect(reminders.map(event => event.details)).toEqual([{ kind: 'callback', to: org.reps[0]!.id, callback_at: '2025-02-10T20:00:00.000Z' }])
    expect((await eventsOf(sql, lead.id, ['push_failed'])).map(event => event.details.kind)).toEqual(['sla_reminder'])

    await logCallback('2025-02-10T20:10:00Z', '2025-02-11T15:00:00Z')
    await runEscalator('2025-02-11T15:00:10Z')
    await runEscalator('2025-02-11T15:01:00Z')
    expect((await eventsOf(sql, lead.id, ['reminded'])).map(event => event.details.callback_at))
      .toEqual(['2025-02-10T20:00:00.000Z', '2025-02-11T15:00:00.000Z'])
  })
})

describe('who may run it', () => {
  async function statusOf(promise: Promise<{ error: unknown }>): Promise<number | undefined> {
    const { error } = await promise
    return (error as { context?: Response } | null)?.context?.status
  }

  it('refuses the anon key and signed-in members with 403, and a call without a token with 401', async () => {
    expect(await statusOf(anonClient().functions.invoke('sla-escalator', { body: {} }))).toBe(403)
    const manager = await signedInClient('manager@demo.pronto.test')
    expect(await statusOf(manager.functions.invoke('sla-escalator', { body: {} }))).toBe(403)
    const bare = await fetch(`${inject('stack').apiUrl}/functions/v1/sla-escalator`, { method: 'POST', body: '{}' })
    expect(bare.status).toBe(401)
  })

  it('answers the service role with a summary of the run', async () => {
    const summary = await runEscalator('2025-02-17T12:00:00Z')
    expect(summary).toMatchObject({ now: '2025-02-17T12:00:00.000Z', ok: true })
    expect(Object.keys(summary.steps)).toEqual(['escalate', 'breach', 'reroute', 'remind', 'callbacks'])
    expect(typeof summary.duration_ms).toBe('number')
  })

  it.each([
    [{ now: 'yesterday' }, /"now" must be an ISO 8601 date and time/],
    [{ now: '2025-02-17T12:00:00' }, /with a zone/],
    [{ now: 1739793600000 }, /"now" must be an ISO 8601/],
    ['[1, 2]', /must be a JSON object/],
  ])('refuses the body %j with 400', async (body, message) => {
    const { error } = await serviceClient().functions.invoke('sla-escalator', { body: body as Record<string, unknown> })
    const context = (error as { context?: Response }).context!
    expect(context.status).toBe(400)
    expect((await context.json()).error.message).toMatch(message)
  })
})
