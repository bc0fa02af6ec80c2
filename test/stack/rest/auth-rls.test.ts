import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signJwt } from '../../../supabase/local/jwt.ts'
import { expectErrorShape, restClient, restFetch, setupFixtures } from './fixtures.ts'
import type { Fixtures } from './fixtures.ts'

let f: Fixtures

beforeAll(async () => {
  f = await setupFixtures()
  await f.sql.query('insert into public.conf_notes (owner_id, body) values ($1, $2), ($3, $4)', [f.aliceId, 'alice secret', f.bobId, 'bob secret'])
})

afterAll(async () => {
  await f?.sql.end()
})

describe('row level security', () => {
  it('lets each user read only their own rows', async () => {
    const alice = await f.alice.from('conf_notes').select('body')
    expect(alice.error).toBeNull()
    expect(alice.data).toEqual([{ body: 'alice secret' }])
    const bob = await f.bob.from('conf_notes').select('body')
    expect(bob.data).toEqual([{ body: 'bob secret' }])
  })

  it('hides rows from anon without an error', async () => {
    const { data, error, status } = await f.anon.from('conf_notes').select()
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toEqual([])
  })

  it('fills auth.uid() defaults and checks the insert policy', async () => {
    const { data, error } = await f.alice.from('conf_notes').insert({ body: 'second' }).select('owner_id, body').single()
    expect(error).toBeNull()
    expect(data).toEqual({ owner_id: f.aliceId, body: 'second' })
  })

  it('answers 403 42501 to a signed-in user breaking a policy', async () => {
    const { error, status } = await f.bob.from('conf_notes').insert({ owner_id: f.aliceId, body: 'forged' })
    expect(status).toBe(403)
    expectErrorShape(error, '42501')
    expect(error!.message).toBe('new row violates row-level security policy for table "conf_notes"')
  })

  it('answers 401 42501 to anon, with WWW-Authenticate', async () => {
    const { error, status } = await f.anon.from('conf_notes').insert({ owner_id: f.aliceId, body: 'anon' })
    expect(status).toBe(401)
    expectErrorShape(error, '42501')
    const response = await restFetch(f, '/conf_notes', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"body":"x"}' })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
  })

  it('makes updates and deletes of unseen rows match nothing', async () => {
    const { data, error } = await f.bob.from('conf_notes').update({ body: 'hacked' }).eq('owner_id', f.aliceId).select()
    expect(error).toBeNull()
    expect(data).toEqual([])
    const { rows } = await f.sql.query('select count(*)::int as n from public.conf_notes where body = \'hacked\'')
    expect(rows[0].n).toBe(0)
  })

  it('lets the service role bypass RLS', async () => {
    const { data } = await f.service.from('conf_notes').select('body').order('body')
    expect(data!.map(row => row.body)).toEqual(['alice secret', 'bob secret', 'second'])
  })
})

describe('JWT handling', () => {
  it('answers 401 PGRST303 for an expired JWT, with WWW-Authenticate', async () => {
    const expired = restClient(f.anonKey, f.expiredToken)
    const { error, status } = await expired.from('conf_books').select('id')
    expect(status).toBe(401)
    expect(error).toEqual({ code: 'PGRST303', message: 'JWT expired', details: null, hint: null })
    const response = await restFetch(f, '/conf_books', { headers: { Authorization: `Bearer ${f.expiredToken}` } })
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="JWT expired"')
  })

  it('refuses a token that expires after it was first accepted (a verified token is not trusted past its exp)', async () => {
    const token = await signJwt({ sub: f.aliceId, role: 'authenticated', aud: 'authenticated' }, 2)
    const client = restClient(f.anonKey, token)
    expect((await client.from('conf_books').select('id').eq('id', 1)).data).toEqual([{ id: 1 }])
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number
    await new Promise(resolve => setTimeout(resolve, exp * 1000 - Date.now() + 50))
    const { error, status } = await client.from('conf_books').select('id').eq('id', 1)
    expect(status).toBe(401)
    expect(error!.code).toBe('PGRST303')
  })

  it('answers 401 PGRST301 for a JWT with a bad signature or shape', async () => {
    const [header, payload] = f.expiredToken.split('.')
    const forged = restClient(f.anonKey, `${header}.${payload}.c2lnbmF0dXJl`)
    const bad = await forged.from('conf_books').select('id')
    expect(bad.status).toBe(401)
    expectErrorShape(bad.error, 'PGRST301')
    const garbled = await restClient(f.anonKey, 'not-a-jwt').from('conf_books').select('id')
    expect(garbled.error!.message).toBe('Expected 3 parts in JWT; got 1')
  })

  it('uses the apikey header as the token when there is no Authorization', async () => {
    const response = await fetch(`${f.apiUrl}/rest/v1/rpc/conf_whoami`, { headers: { apikey: f.anonKey } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ role: 'anon' })
  })

  it('refuses a request with no key at all, as Supabase\'s gateway does', async () => {
    const response = await fetch(`${f.apiUrl}/rest/v1/conf_books`)
    expect(response.status).toBe(401)
  })
})
