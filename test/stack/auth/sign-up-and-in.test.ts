import { AuthApiError, AuthWeakPasswordError } from '@supabase/supabase-js'
import { describe, expect, inject, it } from 'vitest'
import { anonClient } from '../../support/clients.ts'
import { claimsOf, goodPassword, signedUpClient, uniqueEmail } from './support.ts'

describe('sign-up', () => {
  it('confirms at once (enable_confirmations = false) and answers with a GoTrue session', async () => {
    const email = uniqueEmail('signup')
    const before = Math.floor(Date.now() / 1000)
    const { data, error } = await anonClient().auth.signUp({ email, password: goodPassword, options: { data: { full_name: 'Ada Rep' } } })
    expect(error).toBeNull()
    const session = data.session!
    expect(session).toMatchObject({ token_type: 'bearer', refresh_token: expect.any(String) })
    expect(session.expires_in).toBeGreaterThanOrEqual(3599)
    expect(session.expires_in).toBeLessThanOrEqual(3600)
    expect(session.expires_at).toBeGreaterThanOrEqual(before + 3599)

    const user = data.user!
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { email, email_verified: true, phone_verified: false, sub: user.id, full_name: 'Ada Rep' },
      is_anonymous: false,
    })
    expect(user.email_confirmed_at).toBeTruthy()
    expect(user.last_sign_in_at).toBeTruthy()
    expect(user.identities).toHaveLength(1)
    expect(user.identities![0]).toMatchObject({
      id: user.id,
      user_id: user.id,
      provider: 'email',
      email,
      identity_data: { email, email_verified: false, phone_verified: false, sub: user.id, full_name: 'Ada Rep' },
    })
  })

  it('issues an HS256 access token with the claims Supabase puts in one', async () => {
    const { session, user, email } = await signedUpClient('claims')
    const [header] = session.access_token.split('.')
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' })
    const claims = claimsOf(session.access_token)
    expect(claims).toMatchObject({
      iss: `${inject('stack').apiUrl}/auth/v1`,
      sub: user.id,
      aud: 'authenticated',
      email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { email, sub: user.id },
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: expect.any(Number) }],
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      is_anonymous: false,
    })
    expect(claims.exp! - claims.iat!).toBe(3600)
    expect(claims.exp).toBe(session.expires_at)
  })

  it('refuses an address that is already registered (422 user_already_exists)', async () => {
    const { email } = await signedUpClient('duplicate')
    const { data, error } = await anonClient().auth.signUp({ email: email.toUpperCase(), password: 'another-password' })
    expect(data.session).toBeNull()
    expect(error).toBeInstanceOf(AuthApiError)
    expect(error).toMatchObject({ status: 422, code: 'user_already_exists', message: 'User already registered' })
  })

  it('refuses a password shorter than minimum_password_length (422 weak_password)', async () => {
    const { error } = await anonClient().auth.signUp({ email: uniqueEmail('weak'), password: '12345' })
    expect(error).toBeInstanceOf(AuthWeakPasswordError)
    expect(error).toMatchObject({ status: 422, code: 'weak_password', message: 'Password should be at least 6 characters.', reasons: ['length'] })
  })

  it('refuses a malformed address (400 validation_failed)', async () => {
    const { error } = await anonClient().auth.signUp({ email: 'not-an-address', password: goodPassword })
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Unable to validate email address: invalid format' })
  })

  it('keeps anonymous sign-ins off, as config.toml leaves them', async () => {
    const { error } = await anonClient().auth.signInAnonymously()
    expect(error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled' })
  })
})

describe('password sign-in', () => {
  it('opens a new session for the right password and records last_sign_in_at', async () => {
    const { email, session: first } = await signedUpClient('signin')
    await new Promise(resolve => setTimeout(resolve, 1100))
    const { data, error } = await anonClient().auth.signInWithPassword({ email, password: goodPassword })
    expect(error).toBeNull()
    expect(data.session!.refresh_token).not.toBe(first.refresh_token)
    expect(claimsOf(data.session!.access_token).session_id).not.toBe(claimsOf(first.access_token).session_id)
    expect(Date.parse(data.user!.last_sign_in_at!)).toBeGreaterThan(Date.parse(first.user.last_sign_in_at!))
    expect(data.weakPassword).toBeUndefined()
  })

  it('answers a wrong password and an unknown address alike (400 invalid_credentials)', async () => {
    const { email } = await signedUpClient('wrong')
    for (const attempt of [{ email, password: 'not-the-password' }, { email: uniqueEmail('nobody'), password: goodPassword }]) {
      const { data, error } = await anonClient().auth.signInWithPassword(attempt)
      expect(data.session).toBeNull()
      expect(error).toBeInstanceOf(AuthApiError)
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' })
    }
  })

  it('matches the address case-insensitively', async () => {
    const { email } = await signedUpClient('case')
    const { error } = await anonClient().auth.signInWithPassword({ email: email.toUpperCase(), password: goodPassword })
    expect(error).toBeNull()
  })
})
