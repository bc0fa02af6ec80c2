import { AuthApiError, createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type pg from 'pg'
import WebSocket from 'ws'
import { anonClient, serviceClient, sqlClient } from '../../support/clients.ts'
import { goodPassword, signedUpClient, uniqueEmail } from './support.ts'

let sql: pg.Client
beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

describe('admin users (service-role key)', () => {
  it('createUser with email_confirm makes a user who can sign in at once', async () => {
    const email = uniqueEmail('admin-create')
    const { data, error } = await serviceClient().auth.admin.createUser({
      email,
      password: goodPassword,
      email_confirm: true,
      user_metadata: { full_name: 'Made By Admin' },
      app_metadata: { org_role: 'manager' },
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({
      email,
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'], org_role: 'manager' },
      user_metadata: { full_name: 'Made By Admin', email_verified: true },
    })
    expect(data.user!.email_confirmed_at).toBeTruthy()
    expect(data.user!.identities![0]).toMatchObject({ provider: 'email', identity_data: { email, sub: data.user!.id } })

    const signIn = await anonClient().auth.signInWithPassword({ email, password: goodPassword })
    expect(signIn.error).toBeNull()
    expect(signIn.data.session!.user.app_metadata).toMatchObject({ org_role: 'manager' })
  })

  it('createUser without email_confirm leaves the user unable to sign in (400 email_not_confirmed)', async () => {
    const email = uniqueEmail('admin-unconfirmed')
    expect((await serviceClient().auth.admin.createUser({ email, password: goodPassword })).error).toBeNull()
    const { error } = await anonClient().auth.signInWithPassword({ email, password: goodPassword })
    expect(error).toMatchObject({ status: 400, code: 'email_not_confirmed', message: 'Email not confirmed' })
    // Signing up with that address does not hand out the unconfirmed account.
    const signUp = await anonClient().auth.signUp({ email, password: 'someone-else' })
    expect(signUp.data.session).toBeNull()
    expect(signUp.error).toMatchObject({ status: 422, code: 'user_already_exists' })
  })

  it('createUser refuses an address in use (422 email_exists)', async () => {
    const { email } = await signedUpClient('admin-dup')
    const { error } = await serviceClient().auth.admin.createUser({ email, password: goodPassword })
    expect(error).toMatchObject({ status: 422, code: 'email_exists' })
  })

  it('listUsers pages newest first and reports the total', async () => {
    const admin = serviceClient().auth.admin
    const emails = [uniqueEmail('list-a'), uniqueEmail('list-b'), uniqueEmail('list-c')]
    for (const email of emails)
      expect((await admin.createUser({ email, password: goodPassword, email_confirm: true })).error).toBeNull()
    const { rows: [{ count }] } = await sql.query(`select count(*)::int as count from auth.users where aud = 'authenticated'`)

    const { data, error } = await admin.listUsers({ page: 1, perPage: 2 })
    expect(error).toBeNull()
    expect(data.users).toHaveLength(2)
    expect(data.users.map(user => user.email)).toEqual([emails[2], emails[1]])
    // (auth-js reads only the first digit of the page numbers in the Link header, so lastPage is checked on the wire.)
    expect(data).toMatchObject({ aud: 'authenticated', total: count, nextPage: 2 })

    const { data: everyone } = await admin.listUsers({ perPage: 1000 })
    expect(everyone.users.map(user => user.email)).toEqual(expect.arrayContaining(emails))
  })

  it('getUserById, updateUserById (metadata, password, ban) and deleteUser', async () => {
    const admin = serviceClient().auth.admin
    const { user, session, email } = await signedUpClient('admin-edit')

    const fetched = await admin.getUserById(user.id)
    expect(fetched.data.user).toMatchObject({ id: user.id, email })

    const newPassword = 'set-by-an-admin'
    const updated = await admin.updateUserById(user.id, { password: newPassword, app_metadata: { org_role: 'rep' }, user_metadata: { team: 'south' } })
    expect(updated.error).toBeNull()
    expect(updated.data.user).toMatchObject({ app_metadata: { provider: 'email', org_role: 'rep' }, user_metadata: { team: 'south' } })
    // A password set by an admin ends the user's sessions.
    expect((await anonClient().auth.getUser(session.access_token)).error).toMatchObject({ name: 'AuthSessionMissingError' })
    expect((await anonClient().auth.signInWithPassword({ email, password: newPassword })).error).toBeNull()

    expect((await admin.updateUserById(user.id, { ban_duration: '24h' })).data.user!.banned_until).toBeTruthy()
    expect((await anonClient().auth.signInWithPassword({ email, password: newPassword })).error).toMatchObject({ status: 400, code: 'user_banned' })
    expect((await admin.updateUserById(user.id, { ban_duration: 'none' })).data.user!.banned_until).toBeUndefined()

    const { data: signIn } = await anonClient().auth.signInWithPassword({ email, password: newPassword })
    expect((await admin.deleteUser(user.id)).error).toBeNull()
    const { rows } = await sql.query('select 1 from auth.users where id = $1', [user.id])
    expect(rows).toHaveLength(0)
    expect((await admin.getUserById(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' })
    expect((await anonClient().auth.getUser(signIn.session!.access_token)).error).toMatchObject({ status: 403, code: 'user_not_found' })
  })

  it('deleteUser with soft delete keeps the row but the user can no longer sign in', async () => {
    const { user, email } = await signedUpClient('soft-delete')
    expect((await serviceClient().auth.admin.deleteUser(user.id, true)).error).toBeNull()
    const { rows } = await sql.query('select email, deleted_at from auth.users where id = $1', [user.id])
    expect(rows).toEqual([{ email: null, deleted_at: expect.any(Date) }])
    expect((await anonClient().auth.signInWithPassword({ email, password: goodPassword })).error).toMatchObject({ code: 'invalid_credentials' })
  })

  it('is closed to the anon key (403 not_admin) and to signed-in users', async () => {
    const { error } = await anonClient().auth.admin.listUsers()
    expect(error).toBeInstanceOf(AuthApiError)
    expect(error).toMatchObject({ status: 403, code: 'not_admin', message: 'User not allowed' })

    // supabase-js sends global headers to the admin API, so this client calls it with a user's access token.
    const { session } = await signedUpClient('not-admin')
    const { apiUrl, anonKey } = inject('stack')
    const asUser = createClient(apiUrl, anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { Authorization: `Bearer ${session.access_token}` } },
      realtime: { transport: WebSocket as never },
    })
    expect((await asUser.auth.admin.listUsers()).error).toMatchObject({ status: 403, code: 'not_admin' })
  })
})
