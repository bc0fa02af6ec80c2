// The same send-push.ts run by Deno, the edge functions' runtime, against the double.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import webpush from 'web-push'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { LeadPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'
import type { PushDelivery } from '../../../supabase/functions/_shared/push/send-push.ts'
import { createPushDoubleCa, startPushServiceDouble } from '../../support/push-service-double.ts'
import type { PushServiceDouble } from '../../support/push-service-double.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const sendPushModule = pathToFileURL(path.join(repoRoot, 'supabase/functions/_shared/push/send-push.ts')).href
// What each function's deno.json maps; run from the repo root, Deno loads it from node_modules.
const importMap = { imports: { 'web-push': 'npm:web-push@3.6.7' } }

let double: PushServiceDouble
let dir: string

beforeAll(async () => {
  // A CA made first, as a stack would need it before its function processes start.
  double = await startPushServiceDouble({ ca: await createPushDoubleCa() })
  dir = await mkdtemp(path.join(tmpdir(), 'pronto-push-deno-'))
})
afterAll(async () => {
  await double.close()
  await rm(dir, { recursive: true, force: true })
})

it('sends from Deno (with fetch), which trusts the double through DENO_CERT', { timeout: 60_000 }, async () => {
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@pronto.test' }
  const phone = double.createDevice({ applicationServerKey: vapid.publicKey })
  // Refusals too: fetch's answers must read as web-push's WebPushError does (status, Retry-After).
  const busy = double.createDevice({ applicationServerKey: vapid.publicKey })
  double.script(busy, [], { status: 429, retryAfter: '120' })
  const gone = double.createDevice({ applicationServerKey: vapid.publicKey })
  double.unsubscribe(gone)
  const payload: LeadPushPayload = {
    kind: 'hot_lead',
    leadId: crypto.randomUUID(),
    name: 'Ama Mensah',
    company: 'Kente Labs',
    tier: 'HOT',
    source: 'Website form',
    waitingSince: new Date().toISOString(),
    phone: '+233201234567',
  }
  const slaDueAt = new Date(Date.now() + 120_000).toISOString()
  const script = path.join(dir, 'send.ts')
  await writeFile(script, [
    `import { sendLeadAlert, webPushDeps } from ${JSON.stringify(sendPushModule)}`,
    'const { subscriptions, payload, vapid, slaDueAt } = JSON.parse(Deno.args[0])',
    'const deliveries = await sendLeadAlert(webPushDeps, subscriptions, payload, { vapid, slaDueAt, retry: { maxAttempts: 1 } })',
    'console.log(JSON.stringify(deliveries))',
  ].join('\n'))
  await writeFile(path.join(dir, 'import-map.json'), JSON.stringify(importMap))
  const ca = await double.writeCaCertificate(dir)

  const { stdout } = await promisify(execFile)(
    path.join(repoRoot, 'node_modules/.bin/deno'),
    ['run', '--allow-env', '--allow-read', '--allow-sys', '--allow-net=127.0.0.1', '--import-map', path.join(dir, 'import-map.json'), script,
      JSON.stringify({ subscriptions: [phone.subscription, busy.subscription, gone.subscription], payload, vapid, slaDueAt })],
    // Under Deno the sender uses fetch, which trusts DENO_CERT (node:https would need NODE_EXTRA_CA_CERTS).
    { cwd: repoRoot, env: { ...process.env, DENO_CERT: ca } },
  )

  const [delivery, throttled, unsubscribed] = JSON.parse(stdout) as PushDelivery[]
  expect(delivery).toMatchObject({ outcome: 'sent', statusCode: 201, attempts: 1, error: null })
  expect(throttled).toMatchObject({ outcome: 'retry', statusCode: 429, retryAfterMs: 120_000 })
  expect(unsubscribed).toMatchObject({ outcome: 'gone', statusCode: 410 })
  const [push] = double.receivedBy(phone)
  expect(push?.rejection).toBeNull()
  expect(push?.payload).toEqual(payload)
  expect(push?.urgency).toBe('high')
  expect(push?.ttl).toBeLessThanOrEqual(120)
  expect(push?.topic).toBe(payload.leadId!.replaceAll('-', ''))
})
