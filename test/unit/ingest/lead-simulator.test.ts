// The demo lead simulator (`npm start -- --simulate N`): its option, and that what it posts is a
// lead the ingest function takes. The endpoint is a local HTTP double: only the network edge.
import type { IncomingMessage } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { normalizeLeadInput } from '../../../supabase/functions/_shared/domain/lead-input.ts'
import { demoSourceKey, parseSimulateOption, simulatedLead, startLeadSimulator } from '../../../supabase/local/lead-simulator.ts'
import { StartupError } from '../../../supabase/local/preflight.ts'

/** A repeatable random source (mulberry32), so a failing lead can be reproduced. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function expectIngestible(lead: unknown): void {
  // The seeded demo source posts with default_country US, as here.
  const result = normalizeLeadInput(lead, { defaultCountry: 'US' })
  if (!result.ok)
    throw new Error(`not ingestible: ${JSON.stringify(lead)} ${JSON.stringify(result.fields)}`)
  expect(result.isSpam).toBe(false)
  expect(result.lead.email).toMatch(/^[a-z]+\.[a-z]+\d{4}@[a-z.]+$/)
  if (result.lead.phone !== null)
    expect(result.lead.phone).toMatch(/^\+\d{8,15}$/)
}

describe('parseSimulateOption', () => {
  it('is null when not asked for and the rate when given', () => {
    expect(parseSimulateOption([])).toBeNull()
    expect(parseSimulateOption(['--open'])).toBeNull()
    expect(parseSimulateOption(['--simulate', '30'])).toBe(30)
    expect(parseSimulateOption(['--verbose', '--simulate', '2.5'])).toBe(2.5)
    expect(parseSimulateOption(['--simulate', '6000'])).toBe(6000)
  })

  it('refuses a missing, zero, negative, unreadable or too high rate with a startup error', () => {
    for (const args of [['--simulate'], ['--simulate', '0'], ['--simulate', '-5'], ['--simulate', 'fast'], ['--simulate', '6001'], ['--simulate', '--open']])
      expect(() => parseSimulateOption(args), args.join(' ')).toThrow(StartupError)
  })
})

describe('simulatedLead', () => {
  it('makes leads the ingest function accepts, with a valid email and phone', () => {
    const random = seeded(20261129)
    for (let i = 0; i < 2000; i++)
      expectIngestible(simulatedLead(random))
  })

  it('is repeatable from the same random source', () => {
    expect(simulatedLead(seeded(7))).toEqual(simulatedLead(seeded(7)))
  })
})

describe('startLeadSimulator', () => {
  let close: (() => Promise<void>) | null = null
  afterEach(async () => {
    await close?.()
    close = null
  })

  async function endpointDouble(): Promise<{ url: string, posts: Array<{ request: IncomingMessage, body: string }> }> {
    const posts: Array<{ request: IncomingMessage, body: string }> = []
    const server = createServer((request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (chunk: string) => { body += chunk })
      request.on('end', () => {
        posts.push({ request, body })
        response.writeHead(201, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ lead_id: 'x', status: 'assigned', assigned_to: 'y', sla_due_at: null }))
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    close = () => new Promise(resolve => server.close(() => resolve()))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts }
  }

  it('posts JSON leads with the source key to ingest-lead until stopped', async () => {
    const endpoint = await endpointDouble()
    const simulator = startLeadSimulator({ apiUrl: endpoint.url, perMinute: 6000, sourceKey: 'sim-key' })
    while (endpoint.posts.length < 20)
      await new Promise(resolve => setTimeout(resolve, 20))
    await simulator.stop()
    const stoppedAt = endpoint.posts.length
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(endpoint.posts.length).toBe(stoppedAt)
    for (const { request, body } of endpoint.posts) {
      expect(request.method).toBe('POST')
      expect(request.url).toBe('/functions/v1/ingest-lead')
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['x-source-key']).toBe('sim-key')
      expectIngestible(JSON.parse(body))
    }
  })

  it('uses the seeded demo source\'s key by default and refuses a rate out of range', async () => {
    const endpoint = await endpointDouble()
    const simulator = startLeadSimulator({ apiUrl: endpoint.url, perMinute: 6000 })
    while (endpoint.posts.length < 1)
      await new Promise(resolve => setTimeout(resolve, 20))
    await simulator.stop()
    expect(endpoint.posts[0]!.request.headers['x-source-key']).toBe(demoSourceKey)
    expect(() => startLeadSimulator({ apiUrl: endpoint.url, perMinute: 0 })).toThrow(/between 1 and 6000/)
  })
})
