import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'

/** A start-up problem the user can fix; its message is the one line the CLI prints. */
export class StartupError extends Error {}

/** Fails with a clear cause when `port` is already taken on the loopback interface. */
export async function ensurePortFree(port: number, what: string, envName: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(new StartupError(error.code === 'EADDRINUSE'
        ? `Port ${port} (${what}) is taken: stop the program using it or set ${envName} to another port`
        : `Cannot use port ${port} (${what}): ${error.message}`))
    })
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
  })
}

/** Fails with a clear cause when the database folder cannot be created or written. */
export async function ensureWritableDir(dir: string, envName: string): Promise<void> {
  const existing = await stat(dir).catch(() => undefined)
  const target = existing ? dir : path.dirname(dir)
  try {
    if (existing && !existing.isDirectory())
      throw new Error('it is not a folder')
    await mkdir(target, { recursive: true })
    await access(target, constants.W_OK)
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const reasons: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', EEXIST: 'a file is in the way', ENOTDIR: 'a file is in the way' }
    const reason = reasons[code] ?? (error as Error).message
    throw new StartupError(`The data folder ${dir} is not writable (${reason}): fix its permissions or set ${envName} to another folder`)
  }
}
