import { AuthApiError, AuthWeakPasswordError } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { anonClient } from '../../support/clients.ts'
import { claimsOf, goodPassword, signedUpClient, uniqueEmail } from './support.ts'

describe('GET /user', () => {
  it('returns the signed-in user', async () => {
    const { client, user } = await signedUpClient('getuser')
    const { data, error } = await client.auth.getUser()
    expect(error).toBeNull()
    expect(data.user).toEqual(expect.objectContaining({ id: user.id, email: user.email, aud: 'authenticated' }))
    expect(data.user!.identities).toHaveLength(1)
  })
})

describe('PUT /user', () => {
  it('merges user metadata: new keys are added, null removes a key, and later tokens carry it', async () => {
    const { client } = await signedUpClient('metadata')
    expect((await client.auth.updateUser({ data: { full_name: 'Rep One', team: 'north' } })).error).toBeNull()
    const { data, error } = await client.auth.updateUser({ data: { team: null, shift: 'early' } })
    expect(error).toBeNull()
    expect(data.user!.user_metadata).toMatchObject({ full_name: 'Rep One', shift: 'early', email_verified: true })
    expect(data.user!.user_metadata).not.toHaveProperty('team')

    const { data: refreshed } = await client.auth.refreshSession()
    expect(claimsOf(refreshed.session!.access_token).user_metadata).toMatchObject({ full_name: 'Rep One', shift: 'early' })
  })

  it('changes the password: the new one signs in, the old one no longer does, other sessions end', async () => {
    const { client, email, session } = await signedUpClient('password')
    const elsewhere = anonClient()
    const { data: elsewhereSignIn } = await elsewhere.auth.signInWithPassword({ email, password: goodPassword })

    const newPassword = 'a-brand-new-passphrase'
    expect((await client.auth.updateUser({ password: newPassword })).error).toBeNull()

    expect((await anonClient().auth.signInWithPassword({ email, password: newPassword })).error).toBeNull()
    const old = await anonClient().auth.signInWithPassword({ email, password: goodPassword })
    expect(old.error).toMatchObject({ status: 400, code: 'invalid_credentials' })
    // The session that changed the password stays; the other device has to sign in again.
    expect((await anonClient().auth.getUser(session.access_token)).error).toBeNull()
    expect((await anonClient().auth.getUser(elsewhereSignIn.session!.access_token)).error).toMatchObject({ name: 'AuthSessionMissingError' })
  })

  it('refuses the current password as the new one (422 same_password) and a short one (422 weak_password)', async () => {
    const { client } = await signedUpClient('samepw')
    const same = await client.auth.updateUser({ password: goodPassword })
    expect(same.error).toBeInstanceOf(AuthApiError)
    expect(same.error).toMatchObject({ status: 422, code: 'same_password' })
    const weak = await client.auth.updateUser({ password: 'abc' })
    expect(weak.error).toBeInstanceOf(AuthWeakPasswordError)
  })

  it('changes the email address (at once: no mail leaves the local stack)', async () => {
    const { client } = await signedUpClient('oldaddress')
    const newEmail = uniqueEmail('newaddress')
    const { data, error } = await client.auth.updateUser({ email: newEmail })
    expect(error).toBeNull()
    expect(data.user!.email).toBe(newEmail)
    expect(data.user!.identities![0].identity_data).toMatchObject({ email: newEmail })
    expect((await anonClient().auth.signInWithPassword({ email: newEmail, password: goodPassword })).error).toBeNull()
  })

  it('refuses an address another user has (422 email_exists)', async () => {
    const { email: taken } = await signedUpClient('taken')
    const { client } = await signedUpClient('taker')
    const { error } = await client.auth.updateUser({ email: taken })
    expect(error).toMatchObject({ status: 422, code: 'email_exists' })
  })
})
