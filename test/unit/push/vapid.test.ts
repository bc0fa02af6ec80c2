import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import webpush from 'web-push'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureVapidKeys, localVapidSubject, vapidFileName } from '../../../supabase/local/vapid.ts'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pronto-vapid-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('ensureVapidKeys', () => {
  it('generates a pair web-push accepts and keeps it private in the folder', async () => {
    const folder = path.join(dir, 'not-yet-created')
    const keys = await ensureVapidKeys(folder)
    expect(keys.subject).toBe(localVapidSubject)
    expect(() => webpush.setVapidDetails(keys.subject, keys.publicKey, keys.privateKey)).not.toThrow()
    const file = path.join(folder, vapidFileName)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(keys)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
  })

  it('returns the same pair on later calls, so existing subscriptions keep working', async () => {
    const first = await ensureVapidKeys(dir)
    expect(await ensureVapidKeys(dir)).toEqual(first)
    expect(await ensureVapidKeys(dir, 'mailto:other@pronto.test')).toEqual(first)
  })

  it('agrees on one pair when several callers start at once', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, () => ensureVapidKeys(dir)))
    expect(new Set(pairs.map(pair => pair.publicKey)).size).toBe(1)
  })

  it('refuses a damaged key file instead of silently replacing it', async () => {
    await writeFile(path.join(dir, vapidFileName), JSON.stringify({ publicKey: 'abc', privateKey: 'def', subject: 'x' }))
    await expect(ensureVapidKeys(dir)).rejects.toThrow(/does not hold VAPID keys/)
  })
})
