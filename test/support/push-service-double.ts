// A local stand-in for a browser vendor's push service (RFC 8030 + VAPID RFC 8292 + aes128gcm
// RFC 8291), served over HTTPS like the real ones because web-push only speaks HTTPS. It checks
// what a real service checks, decrypts like a browser would, and answers as scripted per device.
import { createECDH, randomBytes, randomUUID } from 'node:crypto'
import type { ECDH } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import https from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import ece from 'http_ece'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { generate } from 'selfsigned'

/** A fake browser: its subscription (what the PWA would store) and the keys only the device holds. */
export interface FakeDevice {
  id: string
  subscription: { endpoint: string, p256dh: string, auth: string }
  ecdh: ECDH
  authSecret: Buffer
  /** The VAPID public key the device subscribed with; pushes signed by another key get 403. */
  applicationServerKey: string | null
}

/** How the double answers one request. */
export interface PushAnswer {
  status: number
  /** Retry-After header value: delay-seconds or an HTTP-date. */
  retryAfter?: string
}

/** One request the double received, whatever it answered. */
export interface ReceivedPush {
  deviceId: string
  receivedAt: number
  /** What the double answered. */
  status: number
  /** Why a request was refused by the double's own checks (bad VAPID, undecryptable body…); null if it passed. */
  rejection: string | null
  ttl: number | null
  urgency: string | null
  topic: string | null
  contentEncoding: string | null
  /** Size of the encrypted body. */
  bodyBytes: number
  vapid: { subject: string, audience: string, expiresAt: number, publicKey: string } | null
  /** The decrypted body parsed as JSON (or the text when it is not JSON); null when not decrypted. */
  payload: unknown
}

export interface PushServiceDouble {
  origin: string
  /** PEM of the CA that signed the server certificate. */
  caCertificate: string
  /** For Node senders: an agent that trusts the double (pass it as web-push's `agent`). */
  agent: https.Agent
  /**
   * Writes the CA to `<dir>/push-double-ca.pem` and returns the path. Deno's fetch (the functions'
   * push sender) trusts it through DENO_CERT; Deno's node:https through NODE_EXTRA_CA_CERTS.
   */
  writeCaCertificate: (dir: string) => Promise<string>
  createDevice: (options?: { applicationServerKey?: string }) => FakeDevice
  /** The device unsubscribed: its endpoint answers 410 from now on. */
  unsubscribe: (device: FakeDevice) => void
  /** Answers for the device's next requests, in order; `otherwise` once they are used up (default 201). */
  script: (device: FakeDevice, answers: PushAnswer[], otherwise?: PushAnswer) => void
  received: ReceivedPush[]
  receivedBy: (device: FakeDevice) => ReceivedPush[]
  /** Resolves with the next accepted (2xx) push for the device, or rejects after `timeoutMs`. */
  nextPush: (device: FakeDevice, timeoutMs?: number) => Promise<ReceivedPush>
  close: () => Promise<void>
}

interface DeviceState {
  device: FakeDevice
  answers: PushAnswer[]
  otherwise: PushAnswer
  unsubscribed: boolean
}

// Real services accept at most 4096 bytes of encrypted payload (RFC 8030 §7.2 lets them refuse more).
const maxBodyBytes = 4096
const maxJwtLifetimeSeconds = 24 * 60 * 60

/** A test certificate authority: PEM key and certificate. */
export interface PushDoubleCa {
  key: string
  cert: string
}

/**
 * Makes a CA for doubles to sign their server certificates with. Create it before starting
 * processes that must trust the double (e.g. Deno functions given NODE_EXTRA_CA_CERTS at boot),
 * then pass it to every `startPushServiceDouble({ ca })`.
 */
export async function createPushDoubleCa(): Promise<PushDoubleCa> {
  const ca = await generate([{ name: 'commonName', value: 'Pronto push-double test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  })
  return { key: ca.private, cert: ca.cert }
}

/**
 * A CA written to `<dir>/push-double-ca.pem`, for processes that must trust the double from
 * their start: give them NODE_EXTRA_CA_CERTS=`file` (the local stack passes it on as DENO_CERT too).
 */
export async function createPushDoubleCaFile(dir: string): Promise<{ ca: PushDoubleCa, file: string }> {
  const ca = await createPushDoubleCa()
  const file = path.join(dir, 'push-double-ca.pem')
  await writeFile(file, ca.cert)
  return { ca, file }
}

/** A server certificate for 127.0.0.1 signed by the CA: rustls refuses a CA certificate used as a server's. */
async function createServerCertificate(ca: PushDoubleCa): Promise<{ key: string, cert: string }> {
  const leaf = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  })
  return { key: leaf.private, cert: leaf.cert }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req)
    chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] ?? null : value ?? null
}

class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

/** Checks `Authorization: vapid t=<jwt>, k=<key>` as RFC 8292 asks; returns the JWT's claims. */
async function verifyVapid(authorization: string | null, origin: string): Promise<NonNullable<ReceivedPush['vapid']>> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/i.exec(authorization ?? '')
  if (!match)
    throw new Refusal(401, `missing or malformed VAPID Authorization header: ${authorization}`)
  const [, token, publicKey] = match as unknown as [string, string, string]
  const point = Buffer.from(publicKey, 'base64url')
  if (point.length !== 65 || point[0] !== 0x04)
    throw new Refusal(401, 'k is not an uncompressed P-256 public key')
  if (decodeProtectedHeader(token).alg !== 'ES256')
    throw new Refusal(401, 'VAPID JWT is not ES256')
  const key = await importJWK({
    kty: 'EC',
    crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33).toString('base64url'),
  }, 'ES256')
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['ES256'], audience: origin, requiredClaims: ['exp', 'sub'] })
    const expiresAt = payload.exp as number
    if (expiresAt - Date.now() / 1000 > maxJwtLifetimeSeconds)
      throw new Refusal(401, `VAPID JWT expires more than 24 h ahead (exp ${expiresAt})`)
    if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub))
      throw new Refusal(401, `VAPID sub is not a mailto: or https: URL: ${String(payload.sub)}`)
    return { subject: payload.sub, audience: String(payload.aud), expiresAt, publicKey }
  }
  catch (error) {
    if (error instanceof Refusal)
      throw error
    throw new Refusal(401, `VAPID JWT rejected: ${(error as Error).message}`)
  }
}

function decryptBody(body: Buffer, device: FakeDevice): unknown {
  let text: string
  try {
    text = ece.decrypt(body, { version: 'aes128gcm', privateKey: device.ecdh, authSecret: device.authSecret }).toString('utf8')
  }
  catch (error) {
    throw new Refusal(400, `cannot decrypt the aes128gcm body: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text) as unknown
  }
  catch {
    return text
  }
}

/** Starts the double on a free loopback port, with its own CA unless given one. Close it after the test. */
export async function startPushServiceDouble(options: { ca?: PushDoubleCa } = {}): Promise<PushServiceDouble> {
  const authority = options.ca ?? await createPushDoubleCa()
  const { key, cert } = await createServerCertificate(authority)
  const ca = authority.cert
  const devices = new Map<string, DeviceState>()
  const received: ReceivedPush[] = []
  const waiters = new Set<(push: ReceivedPush) => void>()
  let origin = ''

  async function inspect(req: IncomingMessage, state: DeviceState, record: ReceivedPush): Promise<void> {
    const body = await readBody(req)
    record.bodyBytes = body.length
    if (record.ttl == null || !Number.isInteger(record.ttl) || record.ttl < 0)
      throw new Refusal(400, `TTL header missing or invalid: ${header(req, 'ttl')}`)
    if (record.topic != null && !/^[A-Za-z0-9_-]{1,32}$/.test(record.topic))
      throw new Refusal(400, `Topic must be 1-32 URL-safe base64 characters: ${record.topic}`)
    record.vapid = await verifyVapid(header(req, 'authorization'), origin)
    const expectedKey = state.device.applicationServerKey
    if (expectedKey != null && record.vapid.publicKey !== expectedKey)
      throw new Refusal(403, 'VAPID key differs from the applicationServerKey of the subscription')
    if (body.length > maxBodyBytes)
      throw new Refusal(413, `payload of ${body.length} bytes exceeds ${maxBodyBytes}`)
    if (record.contentEncoding !== 'aes128gcm')
      throw new Refusal(415, `Content-Encoding must be aes128gcm, got ${record.contentEncoding}`)
    record.payload = decryptBody(body, state.device)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1]
    const state = id === undefined ? undefined : devices.get(id)
    if (req.method !== 'POST' || state === undefined) {
      res.writeHead(404).end()
      return
    }
    const ttl = header(req, 'ttl')
    const record: ReceivedPush = {
      deviceId: state.device.id,
      receivedAt: Date.now(),
      status: 0,
      rejection: null,
      ttl: ttl == null ? null : Number(ttl),
      urgency: header(req, 'urgency'),
      topic: header(req, 'topic'),
      contentEncoding: header(req, 'content-encoding'),
      bodyBytes: 0,
      vapid: null,
      payload: null,
    }
    let answer: PushAnswer
    try {
      await inspect(req, state, record)
      answer = state.unsubscribed ? { status: 410 } : state.answers.shift() ?? state.otherwise
    }
    catch (error) {
      if (!(error instanceof Refusal))
        throw error
      record.rejection = error.message
      answer = { status: error.status }
    }
    record.status = answer.status
    received.push(record)
    const headers: Record<string, string> = {}
    if (answer.retryAfter !== undefined)
      headers['Retry-After'] = answer.retryAfter
    if (answer.status === 201)
      headers.Location = `${origin}/message/${randomUUID()}`
    res.writeHead(answer.status, headers).end(record.rejection ?? '')
    if (answer.status >= 200 && answer.status < 300)
      for (const waiter of waiters) waiter(record)
  }

  const server = https.createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  origin = `https://127.0.0.1:${(server.address() as { port: number }).port}`
  const agent = new https.Agent({ ca, keepAlive: true })

  return {
    origin,
    caCertificate: ca,
    agent,
    async writeCaCertificate(dir) {
      const file = path.join(dir, 'push-double-ca.pem')
      await writeFile(file, ca)
      return file
    },
    createDevice(options = {}) {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const authSecret = randomBytes(16)
      const id = randomUUID()
      const device: FakeDevice = {
        id,
        subscription: {
          endpoint: `${origin}/push/${id}`,
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: authSecret.toString('base64url'),
        },
        ecdh,
        authSecret,
        applicationServerKey: options.applicationServerKey ?? null,
      }
      devices.set(id, { device, answers: [], otherwise: { status: 201 }, unsubscribed: false })
      return device
    },
    unsubscribe(device) {
      const state = devices.get(device.id)
      if (state)
        state.unsubscribed = true
    },
    script(device, answers, otherwise = { status: 201 }) {
      const state = devices.get(device.id)
      if (!state)
        throw new Error(`unknown device ${device.id}`)
      state.answers = [...answers]
      state.otherwise = otherwise
    },
    received,
    receivedBy: device => received.filter(push => push.deviceId === device.id),
    nextPush(device, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          reject(new Error(`no push reached device ${device.id} within ${timeoutMs} ms`))
        }, timeoutMs)
        const waiter = (push: ReceivedPush) => {
          if (push.deviceId !== device.id)
            return
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(push)
        }
        waiters.add(waiter)
      })
    },
    async close() {
      agent.destroy()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}
