// updated_at of the leads a run rewrites: the escalator's bulk updates set it themselves (so the
// touch trigger is not called for each of thousands of rows), and it must still move like it does
// for any other change to a lead.
import { describe, expect, it } from 'vitest'
import { fileSqlClient } from '../../support/file-sql-client.ts'
import { createOrgFixture } from '../database/fixture.ts'
import { assignedLead, at, closeFunctionsSql, leadRow, runEscalator } from './support.ts'

const sql = fileSqlClient(closeFunctionsSql)

async function updatedAt(leadId: string): Promise<Date> {
  const { rows } = await sql.query<{ updated_at: Date }>('select updated_at from public.leads where id = $1', [leadId])
  return rows[0]!.updated_at
}

describe('updated_at of leads the escalator rewrites', () => {
  // Monday 2025-02-24 10:00 New York, WARM: 60 business minutes, escalated 2x the window after the start.
  it('moves when a run breaches the lead and when it escalates it, as on any other update', async () => {
    const org = await createOrgFixture(sql, 'updated-at', { reps: 2 })
    const lead = await assignedLead(sql, org, at('2025-02-24T15:00:00Z'), { tier: 'WARM' })
    const assigned = await updatedAt(lead.id)

    await runEscalator('2025-02-24T16:00:10Z')
    expect((await leadRow(sql, lead.id)).sla_state).toBe('breached')
    const breached = await updatedAt(lead.id)
    expect(breached.getTime()).toBeGreaterThan(assigned.getTime())

    await runEscalator('2025-02-24T17:00:10Z')
    expect((await leadRow(sql, lead.id)).sla_state).toBe('escalated')
    const escalated = await updatedAt(lead.id)
    expect(escalated.getTime()).toBeGreaterThan(breached.getTime())

    // An update that leaves updated_at alone is stamped by the trigger; one that sets it keeps its value.
    await sql.query(`update public.leads set company = 'Acme' where id = $1`, [lead.id])
    expect((await updatedAt(lead.id)).getTime()).toBeGreaterThan(escalated.getTime())
    await sql.query(`update public.leads set updated_at = '2025-02-24T18:00:00Z' where id = $1`, [lead.id])
    expect(await updatedAt(lead.id)).toEqual(at('2025-02-24T18:00:00Z'))
  })
})
