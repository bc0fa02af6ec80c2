import type { RestClient } from '../api/rest-client'
import { recordContactAttempt, setAvailability, syncDispositions } from '../api/outbox-calls'
import type { SyncTransport } from './sync'

/** The sync engine's server calls, made with the given client (the app's, or the worker's own). */
export function supabaseTransport(client: RestClient): SyncTransport {
  return {
    syncDispositions: items => syncDispositions(client, items),
    recordContactAttempt: attempt => recordContactAttempt(client, attempt),
    setAvailability: status => setAvailability(client, status),
  }
}
