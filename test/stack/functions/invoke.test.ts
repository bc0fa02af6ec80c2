// /functions/v1 through the real supabase-js: the test functions in test/fixtures/functions run
// under real Deno, reached through the gateway as deployed functions are.
import { createClient, FunctionsHttpError } from '@supabase/supabase-js'
import { describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { signJwt } from '../../../supabase/local/jwt.ts'
import { anonClient, signedInClient } from '../../support/clients.ts'
import { fixtureSecret } from '../../support/stack-setup.ts'

/** What the echo functions answer: what they were sent and what their environment holds. */
interface Echo {
  method: string
  path: string
  search: string
  headers: Record<string, string>
  body: string
  env: Record<string, string | null>
}

/** A client whose key is not a JWT: supabase-js then sends no Authorization header to functions. */
function clientWithoutJwt() {
  return createClient(inject('stack').apiUrl, 'sb_publishable_pronto-test', {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })
}

/** The status, content type and body of a non-2xx answer, as supabase-js hands it over. */
async function failure(error: unknown): Promise<{ status: number, type: string | null, body: string }> {
  expect(error).toBeInstanceOf(FunctionsHttpError)
  const response = (error as FunctionsHttpError).context as Response
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() }
}

describe('functions.invoke with verify_jwt = true (the default)', () => {
  it('passes a request carrying the anon key JWT, with its method, body and headers', async () => {
    const { data, error } = await anonClient().functions.invoke<Echo>('echo', { body: { hello: 'world' } })
    expect(error).toBeNull()
    expect(data!.method).toBe('POST')
    expect(data!.path).toBe('/echo')
    expect(JSON.parse(data!.body)).toEqual({ hello: 'world' })
    expect(data!.headers['content-type']).toBe('application/json')
    expect(data!.headers.authorization).toBe(`Bearer ${inject('stack').anonKey}`)
    expect(data!.headers.apikey).toBe(inject('stack').anonKey)
    expect(data!.headers['x-client-info']).toMatch(/^supabase-js/)
    expect(data!.headers['x-forwarded-for']).toBe('127.0.0.1')
  })

  it('passes a signed-in user\'s JWT through unchanged, so the function can act under their RLS', async () => {
    const client = await signedInClient('rep1@demo.pronto.test')
    const { data: session } = await client.auth.getSession()
    const { data, error } = await client.functions.invoke<Echo>('echo', { method: 'GET' })
    expect(error).toBeNull()
    expect(data!.method).toBe('GET')
    expect(data!.headers.authorization).toBe(`Bearer ${session.session!.access_token}`)
  })

  it('answers 401 "Missing authorization header" when no JWT is sent', async () => {
    const { data, error } = await clientWithoutJwt().functions.invoke('echo', { body: {} })
    expect(data).toBeNull()
    const answer = await failure(error)
    expect(answer.status).toBe(401)
    expect(answer.type).toMatch(/^application\/json/)
    expect(JSON.parse(answer.body)).toEqual({ msg: 'Error: Missing authorization header' })
  })

  it('answers 401 "Invalid JWT" to an expired token, a forged one and a non-Bearer header', async () => {
    const expired = await signJwt({ role: 'authenticated', sub: crypto.randomUUID() }, -60)
    const [header, payload] = inject('stack').anonKey.split('.')
    const forged = `${header}.${payload}.${'A'.repeat(43)}`
    for (const authorization of [`Bearer ${expired}`, `Bearer ${forged}`]) {
      const { error } = await anonClient().functions.invoke('echo', { headers: { Authorization: authorization } })
      const answer = await failure(error)
      expect(answer.status).toBe(401)
      expect(JSON.parse(answer.body)).toEqual({ msg: 'Invalid JWT' })
    }
    const { error } = await anonClient().functions.invoke('echo', { headers: { Authorization: `Basic ${btoa('a:b')}` } })
    const answer = await failure(error)
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toEqual({ msg: 'Error: Auth header is not \'Bearer {token}\'' })
  })
})

describe('functions.invoke with verify_jwt = false (config.toml)', () => {
  it('runs the function without any JWT', async () => {
    const { data, error } = await clientWithoutJwt().functions.invoke<Echo>('echo-open', { body: 'plain text' })
    expect(error).toBeNull()
    expect(data!.headers.authorization).toBeUndefined()
    expect(data!.headers['content-type']).toBe('text/plain')
    expect(data!.body).toBe('plain text')
  })

  it('still runs it when the token is bad: the function decides', async () => {
    const { data, error } = await anonClient().functions.invoke<Echo>('echo-open', { headers: { Authorization: 'Bearer not-a-jwt' } })
    expect(error).toBeNull()
    expect(data!.headers.authorization).toBe('Bearer not-a-jwt')
  })
})

describe('requests reach the function as the edge runtime passes them', () => {
  it('keeps the sub-path and query string after the function name', async () => {
    const { data, error } = await anonClient().functions.invoke<Echo>('echo/leads/42?expand=events&x=1', { method: 'PATCH', body: { a: 1 } })
    expect(error).toBeNull()
    expect(data!.method).toBe('PATCH')
    expect(data!.path).toBe('/echo/leads/42')
    expect(data!.search).toBe('?expand=events&x=1')
  })

  it('gives functions the project URL, keys, database URL and the configured secrets, not the runtime\'s own settings', async () => {
    const stack = inject('stack')
    const { data } = await anonClient().functions.invoke<Echo>('echo')
    expect(data!.env).toEqual({
      SUPABASE_URL: stack.apiUrl,
      SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      SUPABASE_DB_URL: stack.dbUrl,
      FIXTURE_SECRET: fixtureSecret,
      PRONTO_FUNCTION_ENTRYPOINT: null,
    })
  })

  it('lets a function reach the database (npm: package) and the gateway through that environment', async () => {
    const { data, error } = await clientWithoutJwt().functions.invoke('calls-back')
    expect(error).toBeNull()
    expect(data).toEqual({ answer: 42, echoStatus: 200, echoPath: '/echo-open/from-inside' })
  })

  it('resolves bare imports through each function\'s own deno.json', async () => {
    const client = anonClient()
    const [en, fr] = await Promise.all([client.functions.invoke('hello-en'), client.functions.invoke('hello-fr')])
    expect(en.data).toBe('hello')
    expect(fr.data).toBe('bonjour')
  })

  it('streams a response as the function writes it', async () => {
    const response = await fetch(`${inject('stack').apiUrl}/functions/v1/stream`, { headers: { Authorization: `Bearer ${inject('stack').anonKey}` } })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.getReader()
    const started = performance.now()
    const first = await reader.read()
    const firstAfter = performance.now() - started
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n')
    let rest = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value)
    expect(rest).toBe('data: second\n\n')
    // The function waits 1.5 s between its two events; a buffering proxy would hold the first one back.
    expect(firstAfter).toBeLessThan(1000)
  })
})

describe('CORS preflight', () => {
  it('is forwarded without auth, even to a verify_jwt function, and answered by the function', async () => {
    const response = await fetch(`${inject('stack').apiUrl}/functions/v1/echo`, {
      method: 'OPTIONS',
      headers: { 'Origin': 'https://app.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization')
    expect(await response.text()).toBe('ok')
  })
})

describe('errors the gateway and runtime answer', () => {
  it('404 text/plain "Function not found" for an unknown name and for _shared', async () => {
    for (const name of ['no-such-function', '_shared']) {
      const { error } = await anonClient().functions.invoke(name)
      expect(await failure(error)).toEqual({ status: 404, type: 'text/plain', body: 'Function not found' })
    }
  })

  it('500 WORKER_ERROR when the handler throws, and the function keeps serving', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const { error } = await anonClient().functions.invoke('throws')
      const answer = await failure(error)
      expect(answer.status).toBe(500)
      expect(JSON.parse(answer.body)).toEqual({ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' })
    }
  })

  it('503 BOOT_ERROR when the function throws while loading', async () => {
    const { error } = await anonClient().functions.invoke('boot-fails')
    const answer = await failure(error)
    expect(answer.status).toBe(503)
    expect(JSON.parse(answer.body)).toEqual({ code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' })
  })
})
