// The app's Supabase clients, one per service it uses, built from supabase-js's own packages rather
// than createClient: the first screen loads auth and REST only; realtime is fetched once the screen
// is up, and storage is never loaded. Only modules in src/api use these.
import { AuthClient } from '@supabase/auth-js'
import { FunctionsClient } from '@supabase/functions-js'
import type { RealtimeChannel, RealtimeClient } from '@supabase/realtime-js'
import { storageKeys } from '@/shared/constants'
import { createRestClient, withApiKey } from './rest-client'
import { timedFetch } from './timed-fetch'

const url = import.meta.env.VITE_SUPABASE_URL
const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY
if (!url || !anonKey)
  throw new Error('VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY are not set: `npm start` writes them to .env.local.')

// Every request (auth included) gives up in time: a stalled one must not hold the sync or the queue.
const requestFetch = timedFetch()

export const authClient = new AuthClient({
  url: `${url}/auth/v1`,
  headers: { Authorization: `Bearer ${anonKey}`, apikey: anonKey },
  // The session lives in localStorage so a rep stays signed in across app restarts.
  persistSession: true,
  autoRefreshToken: true,
  storageKey: storageKeys.authSession,
  detectSessionInUrl: false,
  fetch: requestFetch,
})

/** The signed-in user's access token (refreshed first when it has expired), or null. */
async function accessToken(): Promise<string | null> {
  const { data } = await authClient.getSession()
  return data.session?.access_token ?? null
}

export const restClient = createRestClient(url, anonKey, accessToken, requestFetch)

export const functionsClient = new FunctionsClient(`${url}/functions/v1`, { customFetch: withApiKey(anonKey, accessToken, requestFetch) })

let realtimeClient: Promise<RealtimeClient> | undefined

/** The realtime client, loaded on first use; its socket follows sign-ins, refreshes and sign-outs. */
function realtime(): Promise<RealtimeClient> {
  realtimeClient ??= import('@supabase/realtime-js').then(async ({ RealtimeClient }) => {
    const client = new RealtimeClient(`${url.replace(/^http/, 'ws')}/realtime/v1`, {
      params: { apikey: anonKey },
      accessToken: async () => (await accessToken()) ?? anonKey,
    })
    // A join carries the token the client holds when it is sent (without one the server checks
    // row-level security as anon): fetch it before the first join.
    await client.setAuth()
    // Not awaited: auth-js holds its lock while it runs this, and setAuth() may ask it for the session.
    authClient.onAuthStateChange((event, session) => {
      if (event === 'SIGNED_OUT')
        void client.setAuth()
      else if (session && (event === 'SIGNED_IN' || event === 'TOKEN_REFRESHED'))
        void client.setAuth(session.access_token)
    })
    return client
  }).catch((error: unknown) => {
    // A failed load (no network, an old version's chunk gone) is tried again on the next join.
    realtimeClient = undefined
    throw error
  })
  return realtimeClient
}

export type LiveStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR'

// How long a join waits to try again when the realtime client's code could not be fetched.
export const rejoinAfterMs = 10_000

/**
 * Joins the realtime channel `name` as `listen` sets it up, reporting its status; returns the
 * leave function, which also works before the realtime client has loaded. If its code cannot be
 * fetched (a weak signal before the app was cached), the join reports CHANNEL_ERROR and tries again.
 */
export function joinChannel(name: string, listen: (channel: RealtimeChannel) => RealtimeChannel, onStatus: (status: LiveStatus) => void): () => void {
  let left = false
  let joined: { client: RealtimeClient, channel: RealtimeChannel } | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  const join = () => realtime().then((client) => {
    if (left)
      return
    const channel = listen(client.channel(name)).subscribe(status => onStatus(status as LiveStatus))
    joined = { client, channel }
  }, () => {
    if (left)
      return
    onStatus('CHANNEL_ERROR')
    retry = setTimeout(join, rejoinAfterMs)
  })
  void join()
  return () => {
    left = true
    clearTimeout(retry)
    if (joined)
      void joined.client.removeChannel(joined.channel)
  }
}
