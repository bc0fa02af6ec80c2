import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { anonClient, sqlClient } from '../../support/clients.ts'
import { uniqueEmail } from './support.ts'

let sql: pg.Client
beforeAll(async () => {
  sql = await sqlClient()
})
afterAll(async () => {
  await sql.end()
})

describe('users written by SQL, as seed.sql writes them', () => {
  it('signs in with a password hashed by pgcrypto crypt(pw, gen_salt(\'bf\'))', async () => {
    const id = randomUUID()
    const email = uniqueEmail('seeded')
    await sql.query(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                               raw_app_meta_data, raw_user_meta_data)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2,
               crypt('pronto-demo', gen_salt('bf')), now(), '{"provider":"email","providers":["email"]}', '{"full_name":"Seeded Rep"}')`,
      [id, email],
    )
    const { rows: [{ encrypted_password: hash }] } = await sql.query('select encrypted_password from auth.users where id = $1', [id])
    expect(hash).toMatch(/^\$2a\$06\$/)

    const client = anonClient()
    const { data, error } = await client.auth.signInWithPassword({ email, password: 'pronto-demo' })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ id, email, user_metadata: { full_name: 'Seeded Rep' }, identities: [] })
    expect((await client.auth.getUser()).data.user!.id).toBe(id)

    const wrong = await anonClient().auth.signInWithPassword({ email, password: 'pronto-demo!' })
    expect(wrong.error).toMatchObject({ status: 400, code: 'invalid_credentials' })
    const { rows: [{ last_sign_in_at: signedInAt }] } = await sql.query('select last_sign_in_at from auth.users where id = $1', [id])
    expect(signedInAt).toBeInstanceOf(Date)
  })

  it('lets SQL see the sessions the service keeps, and ends them when SQL deletes them', async () => {
    const id = randomUUID()
    const email = uniqueEmail('sql-session')
    await sql.query(
      `insert into auth.users (id, email, encrypted_password, email_confirmed_at)
       values ($1, $2, crypt('pronto-demo', gen_salt('bf')), now())`,
      [id, email],
    )
    const client = anonClient()
    const { data } = await client.auth.signInWithPassword({ email, password: 'pronto-demo' })
    const { rows } = await sql.query('select id from auth.sessions where user_id = $1', [id])
    expect(rows).toHaveLength(1)
    await sql.query('delete from auth.sessions where user_id = $1', [id])
    expect((await anonClient().auth.getUser(data.session!.access_token)).error).toMatchObject({ name: 'AuthSessionMissingError' })
  })
})
