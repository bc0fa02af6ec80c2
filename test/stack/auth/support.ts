import { randomUUID } from 'node:crypto'
import { decodeJwt } from 'jose'
import { inject } from 'vitest'
import { anonClient } from '../../support/clients.ts'

/** A fresh address per test, so tests sharing the run's stack never collide. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@auth.pronto.test`
}

export const goodPassword = 'correct-horse-battery'

/** Signs up a new user through supabase-js and returns the signed-in client with its session. */
export async function signedUpClient(label: string, password = goodPassword) {
  const client = anonClient()
  const email = uniqueEmail(label)
  const { data, error } = await client.auth.signUp({ email, password })
  if (error || !data.session)
    throw new Error(`sign-up of ${email} failed: ${error?.message ?? 'no session'}`)
  return { client, email, password, session: data.session, user: data.session.user }
}

export function claimsOf(accessToken: string) {
  return decodeJwt(accessToken)
}

/** A raw request to /auth/v1, for what supabase-js never sends (preflight, health) or to read headers. */
export async function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const { apiUrl, anonKey } = inject('stack')
  const headers = new Headers(init.headers)
  if (!headers.has('apikey'))
    headers.set('apikey', anonKey)
  return fetch(`${apiUrl}/auth/v1${path}`, { ...init, headers })
}
