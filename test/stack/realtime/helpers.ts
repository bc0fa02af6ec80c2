import { randomUUID } from 'node:crypto'
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js'
import { signJwt } from '../../../supabase/local/jwt.ts'
import { anonClient } from '../../support/clients.ts'

/** A user's access token as GoTrue would issue it (the Auth service is not needed for realtime). */
export async function userToken(sub: string = randomUUID(), expiresInSeconds = 3600): Promise<string> {
  return signJwt({ sub, role: 'authenticated', aud: 'authenticated', email: `${sub}@realtime.test`, session_id: randomUUID() }, expiresInSeconds)
}

/** A supabase-js client whose realtime connection acts as `token` (anon when omitted). */
export async function realtimeClient(token?: string): Promise<SupabaseClient> {
  const client = anonClient() as unknown as SupabaseClient
  if (token)
    await client.realtime.setAuth(token)
  return client
}

/** Subscribes and resolves on SUBSCRIBED; rejects with the server's reason otherwise. */
export function subscribed(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED')
        resolve(channel)
      else
        reject(error ?? new Error(status))
    })
  })
}

/** Collects callback payloads and waits for a number of them. */
export class Inbox<T> {
  readonly items: T[] = []
  private waiters: Array<() => void> = []

  readonly push = (item: T): void => {
    this.items.push(item)
    for (const wake of this.waiters.splice(0))
      wake()
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<T[]> {
    const deadline = Date.now() + timeoutMs
    while (this.items.length < count) {
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(`expected ${count} message(s), got ${this.items.length}: ${JSON.stringify(this.items)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.items
  }
}

/** Lets in-flight deliveries land before asserting that something did NOT arrive. */
export function settle(ms = 300): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
