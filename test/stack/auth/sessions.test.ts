import type { AuthChangeEvent } from '@supabase/supabase-js'
import { AuthApiError, AuthSessionMissingError } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type pg from 'pg'
import { anonClient, sqlClient } from '../../support/clients.ts'
import { claimsOf, goodPassword, signedUpClient } from './support.ts'

let sql: pg.Client
beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

/** Moves a revoked refresh token's revocation into the past, beyond refresh_token_reuse_interval (10 s). */
async function ageRevocation(refreshToken: string): Promise<void> {
  await sql.query(`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`, [refreshToken])
}

describe('refresh tokens', () => {
  it('rotates: a refresh answers with a new refresh token and a fresh access token for the same session', async () => {
    const { client, session } = await signedUpClient('rotate')
    const { data, error } = await client.auth.refreshSession()
    expect(error).toBeNull()
    const next = data.session!
    expect(next.refresh_token).not.toBe(session.refresh_token)
    expect(claimsOf(next.access_token).session_id).toBe(claimsOf(session.access_token).session_id)
    // The amr timestamp is when the user signed in, not when the token was refreshed.
    expect(claimsOf(next.access_token).amr).toEqual(claimsOf(session.access_token).amr)
    const { rows } = await sql.query('select revoked, parent from auth.refresh_tokens where token = $1', [next.refresh_token])
    expect(rows).toEqual([{ revoked: false, parent: session.refresh_token }])
  })

  it('gives the active token back when the parent is replayed at once (a client that lost the answer)', async () => {
    const { client, session } = await signedUpClient('replay')
    const { data: first } = await client.auth.refreshSession()
    const { data: again, error } = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(error).toBeNull()
    expect(again.session!.refresh_token).toBe(first.session!.refresh_token)
  })

  it('refuses an old refresh token once the reuse interval is over, and revokes the whole session', async () => {
    const { client, session } = await signedUpClient('reuse')
    const { data: second } = await client.auth.refreshSession()
    const { data: third } = await client.auth.refreshSession()
    await ageRevocation(session.refresh_token)

    const { data, error } = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(data.session).toBeNull()
    expect(error).toBeInstanceOf(AuthApiError)
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' })

    const { rows } = await sql.query(
      'select token, revoked from auth.refresh_tokens where token = any($1) order by id',
      [[second.session!.refresh_token, third.session!.refresh_token]],
    )
    expect(rows.map(row => row.revoked)).toEqual([true, true])
  })

  it('refuses a refresh token it never issued (400 refresh_token_not_found)', async () => {
    const { error } = await anonClient().auth.refreshSession({ refresh_token: 'not-a-token' })
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' })
  })
})

describe('sign-out', () => {
  it('ends the session: its access token no longer reads the user and its refresh token is gone', async () => {
    const { client, session } = await signedUpClient('signout')
    expect((await client.auth.getUser(session.access_token)).error).toBeNull()
    expect((await client.auth.signOut()).error).toBeNull()

    const { data, error } = await anonClient().auth.getUser(session.access_token)
    expect(data.user).toBeNull()
    expect(error).toBeInstanceOf(AuthSessionMissingError)
    const refreshed = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token })
    expect(refreshed.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
  })

  it('scope local ends only this session; scope global ends every session of the user', async () => {
    const { client: phone, email, session: phoneSession } = await signedUpClient('scopes')
    const laptop = anonClient()
    const { data: laptopSignIn } = await laptop.auth.signInWithPassword({ email, password: goodPassword })
    const tablet = anonClient()
    const { data: tabletSignIn } = await tablet.auth.signInWithPassword({ email, password: goodPassword })

    expect((await phone.auth.signOut({ scope: 'local' })).error).toBeNull()
    expect((await anonClient().auth.getUser(phoneSession.access_token)).error).toBeInstanceOf(AuthSessionMissingError)
    expect((await anonClient().auth.getUser(laptopSignIn.session!.access_token)).error).toBeNull()

    expect((await laptop.auth.signOut({ scope: 'global' })).error).toBeNull()
    expect((await anonClient().auth.getUser(tabletSignIn.session!.access_token)).error).toBeInstanceOf(AuthSessionMissingError)
  })

  it('scope others keeps this session and ends the rest', async () => {
    const { client, email, session } = await signedUpClient('others')
    const other = anonClient()
    const { data: otherSignIn } = await other.auth.signInWithPassword({ email, password: goodPassword })
    expect((await client.auth.signOut({ scope: 'others' })).error).toBeNull()
    expect((await anonClient().auth.getUser(session.access_token)).error).toBeNull()
    expect((await anonClient().auth.getUser(otherSignIn.session!.access_token)).error).toBeInstanceOf(AuthSessionMissingError)
  })
})

describe('access tokens on /user', () => {
  const sign = (claims: Record<string, unknown>, expiresAt: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(expiresAt - 3600)
      .setExpirationTime(expiresAt)
      .sign(new TextEncoder().encode(inject('stack').jwtSecret))

  it('refuses an expired token (403 bad_jwt)', async () => {
    const { session } = await signedUpClient('expired')
    const claims = claimsOf(session.access_token)
    const expired = await sign({ ...claims }, Math.floor(Date.now() / 1000) - 60)
    const { error } = await anonClient().auth.getUser(expired)
    expect(error).toBeInstanceOf(AuthApiError)
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt' })
    expect(error!.message).toMatch(/^invalid JWT: unable to parse or verify signature, .*expired/)
  })

  it('refuses a token signed with another secret (403 bad_jwt)', async () => {
    const { session } = await signedUpClient('forged')
    const [header, payload] = session.access_token.split('.')
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`
    const { error } = await anonClient().auth.getUser(forged)
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt' })
  })

  it('refuses the anon key, which names no user (403 bad_jwt)', async () => {
    const { error } = await anonClient().auth.getUser(inject('stack').anonKey)
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt', message: 'invalid claim: missing sub claim' })
  })
})

describe('onAuthStateChange', () => {
  it('reports sign-in, refresh, user update and sign-out in order', async () => {
    const { email } = await signedUpClient('events')
    const client = anonClient()
    const events: AuthChangeEvent[] = []
    const { data: { subscription } } = client.auth.onAuthStateChange((event) => {
      events.push(event)
    })
    try {
      expect((await client.auth.signInWithPassword({ email, password: goodPassword })).error).toBeNull()
      expect((await client.auth.refreshSession()).error).toBeNull()
      expect((await client.auth.updateUser({ data: { shift: 'late' } })).error).toBeNull()
      expect((await client.auth.signOut()).error).toBeNull()
      await expect.poll(() => events.filter(event => event !== 'INITIAL_SESSION'))
        .toEqual(['SIGNED_IN', 'TOKEN_REFRESHED', 'USER_UPDATED', 'SIGNED_OUT'])
    }
    finally {
      subscription.unsubscribe()
    }
  })
})
