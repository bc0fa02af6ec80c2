// The REST client both the app and the service worker use: PostgREST's own client, without the rest
// of supabase-js (storage, realtime and functions would be code the first screen loads for nothing).
// No import of the app's clients here: the worker builds its client with this too.
import { PostgrestClient } from '@supabase/postgrest-js'
import type { Database } from '../types/database'

export type RestClient = PostgrestClient<Database>

/**
 * `fetch` that sends the project's API key and the caller's access token, as supabase-js does:
 * the anon key stands in for the token when no one is signed in.
 */
export function withApiKey(anonKey: string, accessToken: () => Promise<string | null>, fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers)
    if (!headers.has('apikey'))
      headers.set('apikey', anonKey)
    if (!headers.has('Authorization'))
      headers.set('Authorization', `Bearer ${(await accessToken()) ?? anonKey}`)
    return fetchImpl(input, { ...init, headers })
  }
}

/** The typed PostgREST client of the project at `apiUrl`, calling as whoever `accessToken` answers for. */
export function createRestClient(apiUrl: string, anonKey: string, accessToken: () => Promise<string | null>, fetchImpl: typeof fetch): RestClient {
  return new PostgrestClient<Database>(`${apiUrl}/rest/v1`, { fetch: withApiKey(anonKey, accessToken, fetchImpl) })
}
