import { randomUUID } from 'node:crypto'
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import webpush from 'web-push'
import type { VapidDetails } from '../functions/_shared/push/send-push.ts'

export const vapidFileName = 'vapid.json'

/** A local stack is not a real sender; push services only want a syntactically valid contact. */
export const localVapidSubject = 'mailto:pronto@localhost.invalid'

function isBase64UrlOfLength(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length === bytes
}

async function readKeys(file: string): Promise<VapidDetails> {
  const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<VapidDetails>
  // An uncompressed P-256 point is 65 bytes, the private scalar 32.
  if (!isBase64UrlOfLength(stored.publicKey, 65) || !isBase64UrlOfLength(stored.privateKey, 32) || typeof stored.subject !== 'string')
    throw new Error(`${file} does not hold VAPID keys; delete it to generate new ones (existing push subscriptions stop working)`)
  return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject: stored.subject }
}

/**
 * The local stack's VAPID key pair, generated on first use and kept in `<dir>/vapid.json`, so
 * subscriptions made against it keep working across restarts. Safe against concurrent callers:
 * the file appears atomically and whoever creates it first wins.
 */
export async function ensureVapidKeys(dir: string, subject = localVapidSubject): Promise<VapidDetails> {
  const file = path.join(dir, vapidFileName)
  try {
    return await readKeys(file)
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw error
  }
  await mkdir(dir, { recursive: true })
  const keys: VapidDetails = { ...webpush.generateVAPIDKeys(), subject }
  const draft = path.join(dir, `.${vapidFileName}.${randomUUID()}`)
  await writeFile(draft, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 })
  try {
    // link() refuses an existing target, so a pair written meanwhile by another process is kept.
    await link(draft, file)
    return keys
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      throw error
    return readKeys(file)
  }
  finally {
    await unlink(draft)
  }
}
