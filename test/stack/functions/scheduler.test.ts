// The local scheduler: the declared schedule, and calls made on time with the service-role key.
// The test stack runs without it (tests invoke functions by hand); here one runs on a short period.
import { describe, expect, inject, it } from 'vitest'
import { schedule } from '../../../supabase/local/schedule.ts'
import { startScheduler } from '../../../supabase/local/scheduler/index.ts'

interface TickCall { at: string, role: string | null, body: string }

async function tickCalls(): Promise<TickCall[]> {
  const { apiUrl, serviceRoleKey } = inject('stack')
  const response = await fetch(`${apiUrl}/functions/v1/tick`, { headers: { Authorization: `Bearer ${serviceRoleKey}` } })
  expect(response.status).toBe(200)
  return ((await response.json()) as { calls: TickCall[] }).calls
}

describe('the local schedule', () => {
  it('runs sla-escalator every 10 seconds or better with an empty body', () => {
    const escalator = schedule.find(call => call.function === 'sla-escalator')
    expect(escalator).toBeDefined()
    expect(escalator!.everySeconds).toBeLessThanOrEqual(10)
    expect(escalator!.body).toEqual({})
  })
})

describe('the scheduler', () => {
  it('invokes each function on its period with the service-role key and its body, and stops when told', async () => {
    const { apiUrl, serviceRoleKey } = inject('stack')
    const before = (await tickCalls()).length
    const startedAt = Date.now()
    const scheduler = startScheduler({ apiUrl, serviceRoleKey, calls: [{ function: 'tick', everySeconds: 0.3, body: { source: 'scheduler' } }] })
    let calls: TickCall[] = []
    try {
      for (let waited = 0; waited < 10_000 && calls.length < 4; waited += 100) {
        await new Promise(resolve => setTimeout(resolve, 100))
        calls = (await tickCalls()).slice(before)
      }
    }
    finally {
      await scheduler.stop()
    }
    expect(calls.length).toBeGreaterThanOrEqual(4)
    for (const call of calls) {
      expect(call.role).toBe('service_role')
      expect(JSON.parse(call.body)).toEqual({ source: 'scheduler' })
    }
    // The first call comes one period after the start, not at once; later ones keep the period.
    const times = calls.map(call => Date.parse(call.at))
    expect(times[0] - startedAt).toBeGreaterThanOrEqual(250)
    const gaps = times.slice(1).map((time, index) => time - times[index])
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150)

    const afterStop = (await tickCalls()).length
    await new Promise(resolve => setTimeout(resolve, 900))
    expect((await tickCalls()).length).toBe(afterStop)
  })

  it('keeps running when a scheduled function does not exist yet', async () => {
    const { apiUrl, serviceRoleKey } = inject('stack')
    const before = (await tickCalls()).length
    const scheduler = startScheduler({
      apiUrl,
      serviceRoleKey,
      calls: [
        { function: 'not-deployed-yet', everySeconds: 0.2, body: {} },
        { function: 'tick', everySeconds: 0.2, body: {} },
      ],
    })
    await new Promise(resolve => setTimeout(resolve, 1000))
    await scheduler.stop()
    expect((await tickCalls()).length - before).toBeGreaterThanOrEqual(3)
  })
})
