import { describe, expect, inject, it } from 'vitest'
import { authFetch, signedUpClient } from './support.ts'

const json = { 'content-type': 'application/json;charset=UTF-8', 'x-supabase-api-version': '2024-01-01' }

describe('/auth/v1 on the wire', () => {
  it('answers CORS preflight and exposes the headers auth-js reads', async () => {
    const response = await authFetch('/token?grant_type=password', {
      method: 'OPTIONS',
      headers: { 'origin': 'http://127.0.0.1:4173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey, content-type, x-supabase-api-version' },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173')
    expect(response.headers.get('access-control-allow-headers')).toContain('x-supabase-api-version')
    expect(response.headers.get('access-control-expose-headers')).toMatch(/x-supabase-api-version.*x-total-count/)
  })

  it('answers errors as GoTrue does for API version 2024-01-01: {code, message}, echoed version, x-sb-error-code', async () => {
    const response = await authFetch('/token?grant_type=password', {
      method: 'POST', headers: json, body: JSON.stringify({ email: 'nobody@auth.pronto.test', password: 'whatever' }),
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(response.headers.get('x-sb-error-code')).toBe('invalid_credentials')
    expect(await response.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' })
  })

  it('answers the legacy error body to clients that send no API version', async () => {
    const response = await authFetch('/token?grant_type=password', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@auth.pronto.test', password: 'x' }),
    })
    expect(response.headers.get('x-supabase-api-version')).toBeNull()
    expect(await response.json()).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' })
  })

  it('rejects malformed requests with GoTrue\'s codes', async () => {
    const badJson = await authFetch('/signup', { method: 'POST', headers: json, body: '{"email":' })
    expect(badJson.status).toBe(400)
    expect(await badJson.json()).toMatchObject({ code: 'bad_json' })

    const grant = await authFetch('/token?grant_type=magic', { method: 'POST', headers: json, body: '{}' })
    expect(await grant.json()).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' })

    const refresh = await authFetch('/token?grant_type=refresh_token', { method: 'POST', headers: json, body: '{}' })
    expect(refresh.status).toBe(400)
    expect(await refresh.json()).toEqual({ error: 'invalid_request', error_description: 'refresh_token required' })

    const recover = await authFetch('/recover', { method: 'POST', headers: json, body: '{"email":"a@b.co"}' })
    expect(recover.status).toBe(404)
    expect((await recover.json()).message).toMatch(/not available on the local stack/)

    const noToken = await authFetch('/user', { headers: json })
    expect(noToken.status).toBe(401)
    expect(await noToken.json()).toEqual({ code: 'no_authorization', message: 'This endpoint requires a valid Bearer token' })
  })

  it('refuses an unknown logout scope (400 validation_failed) and logs out with 204', async () => {
    const { session } = await signedUpClient('wire-logout')
    const headers = { ...json, authorization: `Bearer ${session.access_token}` }
    const bad = await authFetch('/logout?scope=everywhere', { method: 'POST', headers })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ code: 'validation_failed', message: 'Unsupported logout scope "everywhere"' })
    const ok = await authFetch('/logout?scope=local', { method: 'POST', headers })
    expect(ok.status).toBe(204)
    expect(await ok.text()).toBe('')
  })

  it('serves /health and /settings as GoTrue does', async () => {
    expect(await (await authFetch('/health')).json()).toMatchObject({ name: 'GoTrue' })
    const settings = await (await authFetch('/settings')).json()
    expect(settings).toMatchObject({
      external: { email: true, phone: false, google: false, anonymous_users: false },
      disable_signup: false,
      mailer_autoconfirm: true,
    })
  })

  it('pages /admin/users with GoTrue\'s Link and X-Total-Count headers', async () => {
    await signedUpClient('wire-page-a')
    await signedUpClient('wire-page-b')
    const { serviceRoleKey } = inject('stack')
    const response = await authFetch('/admin/users?page=1&per_page=1', { headers: { ...json, authorization: `Bearer ${serviceRoleKey}` } })
    const total = Number(response.headers.get('x-total-count'))
    expect(total).toBeGreaterThanOrEqual(2)
    expect(response.headers.get('link')).toBe(`</admin/users?page=2&per_page=1>; rel="next", </admin/users?page=${total}&per_page=1>; rel="last"`)
    const body = await response.json()
    expect(body.aud).toBe('authenticated')
    expect(body.users).toHaveLength(1)
  })
})
