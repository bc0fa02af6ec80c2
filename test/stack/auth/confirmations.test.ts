import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient } from '@supabase/supabase-js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { createAuthService } from '../../../supabase/local/auth/index.ts'
import { loadAuthSettings } from '../../../supabase/local/auth/settings.ts'
import { createGateway } from '../../../supabase/local/gateway.ts'
import { freePort } from '../../../supabase/local/stack.ts'
import { goodPassword, uniqueEmail } from './support.ts'

describe('auth settings from config.toml', () => {
  it('reads the project\'s [auth] section', () => {
    expect(loadAuthSettings()).toEqual({
      jwtExpiry: 3600,
      refreshTokenRotation: true,
      refreshTokenReuseInterval: 10,
      minimumPasswordLength: 6,
      signupEnabled: true,
      mailerAutoconfirm: true,
      anonymousSignIns: false,
    })
  })

  it('follows a config that turns confirmations on and sign-ups off', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'pronto-auth-config-'))
    try {
      const file = path.join(folder, 'config.toml')
      await writeFile(file, '[auth]\njwt_expiry = 600\nenable_anonymous_sign_ins = true\n\n[auth.email]\nenable_signup = false\nenable_confirmations = true\n')
      expect(loadAuthSettings(file)).toMatchObject({ jwtExpiry: 600, signupEnabled: false, mailerAutoconfirm: false, anonymousSignIns: true })
    }
    finally {
      await rm(folder, { recursive: true, force: true })
    }
  })
})

describe('sign-up with email confirmations on', () => {
  // A second auth service over the test stack's database, configured as a project that confirms emails.
  let pool: pg.Pool
  let server: Server
  let apiUrl: string

  beforeAll(async () => {
    const { dbUrl, jwtSecret, anonKey, serviceRoleKey } = inject('stack')
    pool = new pg.Pool({ connectionString: dbUrl, max: 2 })
    const port = await freePort()
    apiUrl = `http://127.0.0.1:${port}`
    const service = createAuthService({ pool, dbUrl, apiUrl, jwtSecret, anonKey, serviceRoleKey }, { ...loadAuthSettings(), mailerAutoconfirm: false })
    server = createGateway([service])
    await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    await pool.end()
  })

  const client = () => createClient(apiUrl, inject('stack').anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  })

  it('answers with the unconfirmed user and no session; sign-in then says the email is not confirmed', async () => {
    const email = uniqueEmail('confirm')
    const { data, error } = await client().auth.signUp({ email, password: goodPassword })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user).toMatchObject({ email, user_metadata: { email_verified: false } })
    expect(data.user!.email_confirmed_at).toBeUndefined()
    expect(data.user!.confirmation_sent_at).toBeTruthy()

    const signIn = await client().auth.signInWithPassword({ email, password: goodPassword })
    expect(signIn.error).toMatchObject({ status: 400, code: 'email_not_confirmed' })
  })

  it('hides whether a confirmed address is taken: a repeated sign-up gets a fake user', async () => {
    const email = uniqueEmail('hidden')
    const admin = createClient(apiUrl, inject('stack').serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
    }).auth.admin
    const { data: created } = await admin.createUser({ email, password: goodPassword, email_confirm: true })
    const { data, error } = await client().auth.signUp({ email, password: 'another-password' })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user).toMatchObject({ email, identities: [] })
    expect(data.user!.id).not.toBe(created.user!.id)
  })
})
