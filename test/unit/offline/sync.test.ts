import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../../src/api/errors.ts'
import type { ContactAttemptInput, DispositionInput, DispositionResult, MemberAvailability } from '../../../src/api/types.ts'
import type { NewOutboxItem, OutboxItem } from '../../../src/offline/outbox.ts'
import { backoffDelay, flushOutbox, planSync } from '../../../src/offline/sync.ts'
import type { FlushOptions, SyncTransport } from '../../../src/offline/sync.ts'
import { memoryOutbox } from './memory-outbox.ts'

const me = 'rep-1'

const networkError = () => new ApiError('network', 'TypeError: Failed to fetch', 0, '')
const serverError = () => new ApiError('server', 'upstream timeout', 503, '')
const authError = () => new ApiError('auth', 'JWT expired', 401, 'PGRST303')
const refused = (message: string) => new ApiError('rejected', message, 403, '42501')

let counter = 0
const newId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`

function attempt(lead: string, id = newId()): NewOutboxItem {
  return { id, userId: me, kind: 'contact_attempt', label: `Call to ${lead}`, payload: { lead_id: lead, occurred_at: '2026-11-23T10:00:00Z', channel: 'phone' } }
}
function outcome(lead: string, id = newId(), outcomeName: DispositionInput['outcome'] = 'no_answer'): NewOutboxItem {
  return {
    id,
    userId: me,
    kind: 'disposition',
    label: `Outcome for ${lead}`,
    payload: { lead_id: lead, outcome: outcomeName, notes: null, callback_at: null, channel: 'phone', occurred_at: '2026-11-23T10:01:00Z' },
  }
}
function availability(status: MemberAvailability, id = newId()): NewOutboxItem {
  return { id, userId: me, kind: 'availability', label: status, payload: { status } }
}

/**
 * The server side of the three RPCs, idempotent on ids as the real ones are, recording each
 * effect once. `refuse` names leads whose writes it rejects ("not assigned to you").
 */
class FakeServer {
  readonly effects: string[] = []
  readonly calls: string[] = []
  availability: MemberAvailability = 'on_shift'
  readonly refuse = new Set<string>()
  private readonly seen = new Set<string>()
  /** Faults for the next calls, in order: thrown before the server acts, or after (the answer is lost). */
  readonly faults: Array<{ error: () => ApiError, after?: boolean }> = []

  private async call<T>(name: string, act: () => T): Promise<T> {
    this.calls.push(name)
    const fault = this.faults.shift()
    if (fault && !fault.after)
      throw fault.error()
    const result = act()
    if (fault?.after)
      throw fault.error()
    return result
  }

  private apply(id: string, what: string): 'applied' | 'duplicate' {
    if (this.seen.has(id))
      return 'duplicate'
    this.seen.add(id)
    this.effects.push(what)
    return 'applied'
  }

  readonly transport: SyncTransport = {
    syncDispositions: items => this.call('sync_dispositions', () => items.map((item): DispositionResult =>
      this.refuse.has(item.lead_id)
        ? { id: item.id, status: 'rejected', error: 'lead_id: the lead is not assigned to you' }
        : { id: item.id, status: this.apply(item.id, `outcome ${item.lead_id} ${item.id}`), error: null })),
    recordContactAttempt: (input: ContactAttemptInput) => this.call('record_contact_attempt', () => {
      if (this.refuse.has(input.lead_id))
        throw refused('lead_id: the lead is not assigned to you')
      this.apply(input.id, `attempt ${input.lead_id} ${input.id}`)
    }),
    setAvailability: status => this.call('set_availability', () => {
      this.availability = status
    }),
  }
}

function options(outbox: ReturnType<typeof memoryOutbox>, server: FakeServer, extra: Partial<FlushOptions> = {}): FlushOptions {
  return {
    outbox,
    transport: server.transport,
    userId: me,
    prepareSession: async () => 'ready',
    refreshSession: async () => true,
    sleep: async () => {},
    random: () => 1,
    ...extra,
  }
}

async function filled(items: NewOutboxItem[]) {
  const outbox = memoryOutbox()
  for (const item of items)
    await outbox.enqueue(item)
  return outbox
}

describe('planSync', () => {
  it('keeps each lead\'s writes in order and batches the outcomes of a round', async () => {
    const outbox = await filled([
      outcome('marcus', 'd1'),
      attempt('priya', 'a1'),
      outcome('priya', 'd2'),
      outcome('elena', 'd3'),
      availability('break', 'v1'),
      availability('off', 'v2'),
    ])
    const steps = planSync(await outbox.list(me))
    expect(steps.map(step => step.kind === 'dispositions' ? `batch ${step.items.map(item => item.id).join(',')}` : `${step.kind} ${step.item.id}`))
      .toEqual(['availability v2', 'contact_attempt a1', 'batch d1,d3', 'batch d2'])
    expect(steps[0]).toMatchObject({ superseded: [{ id: 'v1' }] })
  })

  it('skips rejected writes', async () => {
    const outbox = await filled([outcome('marcus', 'd1'), outcome('priya', 'd2')])
    await outbox.markRejected('d1', 'nope')
    expect(planSync(await outbox.list(me))).toEqual([expect.objectContaining({ kind: 'dispositions', items: [expect.objectContaining({ id: 'd2' })] })])
  })
})

describe('flushOutbox', () => {
  it('sends everything and removes each write once the server confirmed it', async () => {
    const server = new FakeServer()
    const outbox = await filled([attempt('priya', 'a1'), outcome('priya', 'd1'), outcome('elena', 'd2'), availability('break', 'v1')])
    const report = await flushOutbox(options(outbox, server))
    expect(report).toEqual({ confirmed: ['v1', 'a1', 'd2', 'd1'], rejected: [], remaining: 0, stopped: null })
    expect(server.effects).toEqual(['attempt priya a1', 'outcome elena d2', 'outcome priya d1'])
    expect(server.availability).toBe('break')
    expect(outbox.items.size).toBe(0)

    // Nothing left: a second flush sends nothing.
    const calls = server.calls.length
    expect(await flushOutbox(options(outbox, server))).toMatchObject({ confirmed: [], remaining: 0 })
    expect(server.calls.length).toBe(calls)
  })

  it('sends only the member\'s own writes', async () => {
    const server = new FakeServer()
    const outbox = await filled([outcome('priya', 'mine'), { ...outcome('noah', 'theirs'), userId: 'rep-2' }])
    await flushOutbox(options(outbox, server))
    expect(server.effects).toEqual(['outcome priya mine'])
    expect([...outbox.items.keys()]).toEqual(['theirs'])
  })

  it('marks refused writes rejected, keeps them, and still sends the rest', async () => {
    const server = new FakeServer()
    server.refuse.add('taken')
    const outbox = await filled([attempt('taken', 'a1'), outcome('taken', 'd1'), outcome('priya', 'd2')])
    const report = await flushOutbox(options(outbox, server))
    expect(report.rejected).toEqual([
      { id: 'a1', error: 'lead_id: the lead is not assigned to you' },
      { id: 'd1', error: 'lead_id: the lead is not assigned to you' },
    ])
    expect(report.confirmed).toEqual(['d2'])
    expect(report.remaining).toBe(0)
    expect([...outbox.items.values()].map(item => [item.id, item.state, item.error])).toEqual([
      ['a1', 'rejected', 'lead_id: the lead is not assigned to you'],
      ['d1', 'rejected', 'lead_id: the lead is not assigned to you'],
    ])
    // Rejected writes are not sent again.
    server.calls.length = 0
    await flushOutbox(options(outbox, server))
    expect(server.calls).toEqual([])
  })

  it('retries network and server failures with growing delays', async () => {
    const server = new FakeServer()
    server.faults.push({ error: serverError }, { error: networkError }, { error: serverError })
    const sleep = vi.fn(async (_ms: number) => {})
    const outbox = await filled([outcome('priya', 'd1')])
    const report = await flushOutbox(options(outbox, server, { sleep, baseDelayMs: 1000, random: () => 1 }))
    expect(report).toMatchObject({ confirmed: ['d1'], stopped: null })
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 2000, 4000])
  })

  it('gives up after the retries, keeps the writes, and says why', async () => {
    const server = new FakeServer()
    server.faults.push(...Array.from({ length: 10 }, () => ({ error: serverError })))
    const outbox = await filled([outcome('priya', 'd1'), outcome('elena', 'd2')])
    const report = await flushOutbox(options(outbox, server, { retries: 2 }))
    expect(report).toEqual({ confirmed: [], rejected: [], remaining: 2, stopped: 'unavailable' })
    expect(server.calls).toHaveLength(3)
    expect(outbox.items.size).toBe(2)
  })

  it('stops at once when the phone is offline', async () => {
    const server = new FakeServer()
    server.faults.push({ error: networkError })
    const sleep = vi.fn(async (_ms: number) => {})
    const outbox = await filled([outcome('priya', 'd1')])
    const report = await flushOutbox(options(outbox, server, { sleep, isOnline: () => false }))
    expect(report).toMatchObject({ stopped: 'offline', remaining: 1 })
    expect(sleep).not.toHaveBeenCalled()
  })

  it('keeps a write whose answer was lost, and the replay counts once', async () => {
    const server = new FakeServer()
    server.faults.push(...Array.from({ length: 5 }, () => ({ error: networkError, after: true })))
    const outbox = await filled([outcome('priya', 'd1')])
    expect(await flushOutbox(options(outbox, server, { retries: 2 }))).toMatchObject({ stopped: 'offline', remaining: 1 })
    expect(outbox.items.has('d1')).toBe(true)
    expect(await flushOutbox(options(outbox, server))).toMatchObject({ confirmed: ['d1'], remaining: 0 })
    expect(server.effects).toEqual(['outcome priya d1'])
  })

  it('refreshes an expired token and sends again; stops if the session cannot be renewed', async () => {
    const server = new FakeServer()
    server.faults.push({ error: authError })
    const refreshSession = vi.fn(async () => true)
    const outbox = await filled([attempt('priya', 'a1')])
    expect(await flushOutbox(options(outbox, server, { refreshSession }))).toMatchObject({ confirmed: ['a1'] })
    expect(refreshSession).toHaveBeenCalledTimes(1)

    server.faults.push({ error: authError })
    await outbox.enqueue(attempt('priya', 'a2'))
    const report = await flushOutbox(options(outbox, server, { refreshSession: async () => false }))
    expect(report).toMatchObject({ stopped: 'signed-out', remaining: 1 })
    expect(outbox.items.has('a2')).toBe(true)

    server.faults.push({ error: authError })
    const offline = await flushOutbox(options(outbox, server, { refreshSession: async () => Promise.reject(new Error('offline')) }))
    expect(offline).toMatchObject({ stopped: 'offline', remaining: 1 })
  })

  it('sends nothing until the session is ready (an expired token is refreshed first)', async () => {
    const server = new FakeServer()
    const outbox = await filled([outcome('priya', 'd1')])
    expect(await flushOutbox(options(outbox, server, { prepareSession: async () => 'offline' }))).toMatchObject({ stopped: 'offline', remaining: 1 })
    expect(await flushOutbox(options(outbox, server, { prepareSession: async () => 'signed-out' }))).toMatchObject({ stopped: 'signed-out', remaining: 1 })
    expect(server.calls).toEqual([])
  })

  it('leaves an item the server did not answer for in the outbox', async () => {
    const outbox = await filled([outcome('priya', 'd1'), outcome('elena', 'd2')])
    const transport: SyncTransport = {
      ...new FakeServer().transport,
      syncDispositions: async items => [{ id: items[0].id, status: 'applied', error: null }],
    }
    const report = await flushOutbox({ ...options(outbox, new FakeServer()), transport })
    expect(report).toMatchObject({ confirmed: ['d1'], remaining: 1 })
    expect([...outbox.items.keys()]).toEqual(['d2'])
  })

  it('marks every write of a refused batch', async () => {
    const outbox = await filled([outcome('priya', 'd1'), outcome('elena', 'd2')])
    const transport: SyncTransport = {
      ...new FakeServer().transport,
      syncDispositions: async () => Promise.reject(refused('not signed in as an active member')),
    }
    const report = await flushOutbox({ ...options(outbox, new FakeServer()), transport })
    expect(report.rejected.map(entry => entry.id)).toEqual(['d1', 'd2'])
    expect([...outbox.items.values()].every(item => item.state === 'rejected')).toBe(true)
  })

  it('whatever fails along the way, every write lands exactly once, in order per lead, and nothing is lost', async () => {
    const write = fc.oneof(
      fc.record({ kind: fc.constant('attempt' as const), lead: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ kind: fc.constant('outcome' as const), lead: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ kind: fc.constant('availability' as const), status: fc.constantFrom<MemberAvailability>('on_shift', 'break', 'off') }),
    )
    const fault = fc.option(fc.record({
      error: fc.constantFrom(networkError, serverError, authError),
      after: fc.boolean(),
    }), { nil: undefined })

    await fc.assert(fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), fc.array(fault, { maxLength: 30 }), async (writes, faults) => {
      const server = new FakeServer()
      for (const entry of faults) {
        if (entry)
          server.faults.push(entry)
      }
      const items = writes.map(entry => entry.kind === 'attempt' ? attempt(entry.lead) : entry.kind === 'outcome' ? outcome(entry.lead) : availability(entry.status))
      const outbox = await filled(items)
      for (let round = 0; round < 40 && [...outbox.items.values()].some(item => item.state === 'pending'); round++)
        await flushOutbox(options(outbox, server, { retries: 1 }))

      expect(outbox.items.size).toBe(0)
      const leadWrites = items.filter((item): item is Extract<NewOutboxItem, { kind: 'contact_attempt' | 'disposition' }> => item.kind !== 'availability')
      // Exactly once each...
      expect([...server.effects].sort()).toEqual(leadWrites.map(item => `${item.kind === 'contact_attempt' ? 'attempt' : 'outcome'} ${item.payload.lead_id} ${item.id}`).sort())
      // ...and per lead in the order the rep made them.
      for (const lead of ['a', 'b', 'c']) {
        expect(server.effects.filter(effect => effect.split(' ')[1] === lead).map(effect => effect.split(' ')[2]))
          .toEqual(leadWrites.filter(item => item.payload.lead_id === lead).map(item => item.id))
      }
      const lastAvailability = items.filter(item => item.kind === 'availability').at(-1)
      if (lastAvailability?.kind === 'availability')
        expect(server.availability).toBe(lastAvailability.payload.status)
    }), { numRuns: 150 })
  })
})

describe('backoffDelay', () => {
  it('doubles from the base, caps, and spreads with jitter', () => {
    expect([0, 1, 2, 3, 10].map(attempt => backoffDelay(attempt, 1000, 30_000, () => 1))).toEqual([1000, 2000, 4000, 8000, 30_000])
    expect(backoffDelay(2, 1000, 30_000, () => 0)).toBe(2000)
  })
})

it('the memory outbox keeps creation order across writes in the same millisecond', async () => {
  const outbox = memoryOutbox()
  const ids = ['x', 'y', 'z']
  for (const id of ids)
    await outbox.enqueue(outcome('priya', id))
  const listed: OutboxItem[] = await outbox.list(me)
  expect(listed.map(item => item.id)).toEqual(ids)
})
