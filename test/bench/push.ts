// Hot-lead alerts on the local stack: from the ingest request leaving the client to web-push's
// request reaching the push-service double (VAPID checked, payload decrypted), at concurrency 1
// and under load. Every rep of the bench's own organization has one device on the double.
import { randomUUID } from 'node:crypto'
import type { Stack } from '../../supabase/local/stack.ts'
import { createOrgFixture } from '../stack/database/fixture.ts'
import { createPushDoubleCaFile, startPushServiceDouble } from '../support/push-service-double.ts'
import type { FakeDevice, PushDoubleCa, PushServiceDouble, ReceivedPush } from '../support/push-service-double.ts'
import { percentile } from './stats.ts'
import type { BenchRow } from './table.ts'

let trustedCa: PushDoubleCa | undefined

/**
 * Call before the stack starts and pass the result as its `functionEnv`: the edge functions
 * read NODE_EXTRA_CA_CERTS when they boot, so they must trust the double's CA from the first boot.
 */
export async function preparePushBench(dir: string): Promise<Record<string, string>> {
  const { ca, file } = await createPushDoubleCaFile(dir)
  trustedCa = ca
  return { NODE_EXTRA_CA_CERTS: file }
}

interface Setup {
  url: string
  key: string
  /** The device of each rep, by member id. */
  devices: Map<string, FakeDevice>
}

async function benchOrg(stack: Stack, double: PushServiceDouble): Promise<Setup> {
  const client = await stack.pool.connect()
  try {
    const org = await createOrgFixture(client, 'push-bench', { reps: 8 })
    await client.query('update public.members set capacity = 10000 where org_id = $1', [org.orgId])
    await client.query('update public.lead_sources set rate_limit_per_minute = 100000, ip_rate_limit_per_minute = 100000 where id = $1', [org.sourceId])
    const devices = new Map<string, FakeDevice>()
    for (const rep of org.reps) {
      const device = double.createDevice({ applicationServerKey: stack.vapidPublicKey })
      devices.set(rep.id, device)
      await client.query(
        `insert into public.push_subscriptions (member_id, org_id, endpoint, p256dh, auth, user_agent_label)
         values ($1, $2, $3, $4, $5, 'bench phone')`,
        [rep.id, org.orgId, device.subscription.endpoint, device.subscription.p256dh, device.subscription.auth],
      )
    }
    return { url: `${stack.apiUrl}/functions/v1/ingest-lead`, key: org.sourceKey, devices }
  }
  finally {
    client.release()
  }
}

let leadCount = 0

// Scores HOT with the fixture's scoring: a senior title asking for a demo at a large company.
// Email and phone differ per lead, or ingest merges it into an earlier one (and alerts nobody).
function hotLead(): Record<string, string> {
  const id = randomUUID().slice(0, 8)
  const n = leadCount++
  return {
    name: `Hana Hot ${id}`,
    email: `hana-${id}@kettle-bench.test`,
    title: 'VP of Operations',
    form_type: 'Demo request',
    company_size: '2000',
    company: 'Kettle & Co',
    phone: `+1 646 ${200 + (n % 800)} ${String(Math.floor(n / 800) % 10_000).padStart(4, '0')}`,
  }
}

/** The double's received pushes by the lead they are about, indexed as they arrive. */
class PushesByLead {
  private readonly byLead = new Map<string, ReceivedPush>()
  private indexed = 0

  constructor(private readonly double: PushServiceDouble) {}

  /** Waits for the push about `leadId`; the double stamps arrival before it decrypts. */
  wait(leadId: string, timeoutMs: number): Promise<ReceivedPush> {
    const deadline = Date.now() + timeoutMs
    return new Promise((resolve, reject) => {
      const look = () => {
        const push = this.find(leadId)
        if (push)
          resolve(push)
        else if (Date.now() > deadline)
          reject(new Error(`no push about lead ${leadId} within ${timeoutMs} ms`))
        else
          setTimeout(look, 5)
      }
      look()
    })
  }

  private find(leadId: string): ReceivedPush | undefined {
    const { received } = this.double
    for (; this.indexed < received.length; this.indexed++) {
      const about = (received[this.indexed]!.payload as { leadId?: unknown } | null)?.leadId
      if (typeof about === 'string')
        this.byLead.set(about, received[this.indexed]!)
    }
    return this.byLead.get(leadId)
  }
}

interface AlertTiming {
  /** Ingest request sent to its answer received. */
  answeredMs: number
  /** Ingest request sent to the alert reaching the assigned rep's device. */
  pushedMs: number
}

/** One HOT lead: how long until ingest answered and until its alert reached the assigned rep's device. */
async function alertLatency(setup: Setup, pushes: PushesByLead): Promise<AlertTiming> {
  const sentAt = Date.now()
  const response = await fetch(setup.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-source-key': setup.key },
    body: JSON.stringify(hotLead()),
  })
  const answer = await response.json() as { lead_id?: string, assigned_to?: string | null }
  const answeredMs = Date.now() - sentAt
  if (response.status !== 201 || !answer.lead_id)
    throw new Error(`ingest answered ${response.status}: ${JSON.stringify(answer)}`)
  const push = await pushes.wait(answer.lead_id, 10_000)
  if (push.rejection !== null || push.status !== 201)
    throw new Error(`the double refused the alert (${push.status}): ${push.rejection}`)
  if (push.deviceId !== setup.devices.get(answer.assigned_to ?? '')?.id)
    throw new Error(`the alert about ${answer.lead_id} reached another rep's device`)
  return { answeredMs, pushedMs: push.receivedAt - sentAt }
}

/** `total` leads posted by `concurrency` clients back to back: each one's timing, and the leads per second. */
async function closedLoop(setup: Setup, pushes: PushesByLead, concurrency: number, total: number): Promise<{ timings: AlertTiming[], perSecond: number }> {
  const timings: AlertTiming[] = []
  let next = 0
  const started = Date.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next += 1
      timings.push(await alertLatency(setup, pushes))
    }
  }))
  return { timings, perSecond: total / ((Date.now() - started) / 1000) }
}

/**
 * The load the p99 < 500 ms target is held to: ten leads in flight at once, about 85-90 HOT leads
 * alerted a second on this two-core machine, far beyond a sales team's arrival rate (a busy inbound
 * team sees a few leads a minute). At 25 in flight the throughput is no higher (76-94/s): the
 * machine is saturated (the bench client, the stack's gateway and the push double, ~3 ms of CPU a
 * push for TLS, the VAPID check and decryption, share the two cores with PostgreSQL and the
 * function), so latency there is queueing, about concurrency / throughput, and its p99 (485-500 ms
 * measured, most of it ingest answering) is printed for information with the throughput beside it.
 */
const targetConcurrency = 10

export async function pushBench(stack: Stack): Promise<BenchRow[]> {
  if (!trustedCa)
    throw new Error('pushBench needs the stack started with preparePushBench()\'s functionEnv (see test/bench/run.ts)')
  const double = await startPushServiceDouble({ ca: trustedCa })
  try {
    const setup = await benchOrg(stack, double)
    const pushes = new PushesByLead(double)
    // Boots the function and warms web-push, the pool and the TLS connection.
    await closedLoop(setup, pushes, 5, 50)
    const rows: BenchRow[] = []
    for (const [concurrency, total] of [[1, 200], [10, 1000], [25, 1000]] as const) {
      const { timings, perSecond } = await closedLoop(setup, pushes, concurrency, total)
      const pushed = timings.map(timing => timing.pushedMs)
      const load = `concurrency ${concurrency}${concurrency === targetConcurrency ? ' (the target\'s load, see push.ts)' : ''}`
      rows.push(
        { area: 'push', metric: `ingest request to push at the push service p50, ${load}`, value: percentile(pushed, 50), unit: 'ms' },
        { area: 'push', metric: `ingest request to push at the push service p99, ${load}`, value: percentile(pushed, 99), unit: 'ms', ...(concurrency === targetConcurrency ? { target: '< 500' } : {}) },
        { area: 'push', metric: `  ingest answered p99, concurrency ${concurrency}`, value: percentile(timings.map(timing => timing.answeredMs), 99), unit: 'ms' },
        { area: 'push', metric: `  leads alerted per second, concurrency ${concurrency}`, value: Math.round(perSecond), unit: '/s' },
      )
    }
    return rows
  }
  finally {
    await double.close()
  }
}
