import { createClient } from '@supabase/supabase-js'
import { storageKeys } from '@/shared/constants'
import type { Database } from '@/types/database'
import { timedFetch } from './timed-fetch'

const url = import.meta.env.VITE_SUPABASE_URL
const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY
if (!url || !anonKey)
  throw new Error('VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY are not set: `npm start` writes them to .env.local.')

/** The app's one typed Supabase client. Only modules in src/api use it. */
export const supabase = createClient<Database>(url, anonKey, {
  auth: {
    // The session lives in localStorage so a rep stays signed in across app restarts.
    persistSession: true,
    autoRefreshToken: true,
    storageKey: storageKeys.authSession,
    detectSessionInUrl: false,
  },
  // Every request (auth included) gives up in time: a stalled one must not hold the sync or the queue.
  global: { fetch: timedFetch() },
})
