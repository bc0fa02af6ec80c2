// The functions service on its own gateway over a scratch folder of functions: one Deno process
// per function, shared by concurrent first requests, replaced when its files change, gone on close.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createFunctionsService } from '../../../supabase/local/functions/index.ts'
import { createGateway } from '../../../supabase/local/gateway.ts'
import type { Service } from '../../../supabase/local/http.ts'

let dir: string
let service: Service
let baseUrl: string
let closeGateway: () => Promise<void>

async function writeFunction(name: string, source: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true })
  await writeFile(path.join(dir, name, 'index.ts'), source)
}

/** A function answering its own process id and a label, so tests can tell processes and versions apart. */
const pidFunction = (label: string) => `Deno.serve(() => Response.json({ pid: Deno.pid, label: ${JSON.stringify(label)} }))\n`

async function call(name: string): Promise<{ pid: number, label: string }> {
  const response = await fetch(`${baseUrl}/functions/v1/${name}`)
  expect(response.status).toBe(200)
  return response.json() as Promise<{ pid: number, label: string }>
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (accept(value) || Date.now() > deadline)
      return value
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pronto-functions-'))
  await writeFile(path.join(dir, 'config.toml'), '[functions.counter]\nverify_jwt = false\n\n[functions.reloads]\nverify_jwt = false\n')
  // Written before the service watches the folder: a late file event would otherwise restart it.
  await writeFunction('counter', pidFunction('v1'))
  service = createFunctionsService(inject('stack'), { extraFunctionsDir: dir })
  const gateway = createGateway([service])
  await new Promise<void>(resolve => gateway.listen(0, '127.0.0.1', () => resolve()))
  baseUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`
  closeGateway = () => new Promise<void>(resolve => gateway.close(() => resolve()))
})

afterAll(async () => {
  await service.close?.()
  await closeGateway()
  await rm(dir, { recursive: true, force: true })
})

describe('function processes', () => {
  it('boots one process for concurrent first requests and keeps it for later ones', async () => {
    const first = await Promise.all(Array.from({ length: 5 }, () => call('counter')))
    expect(new Set(first.map(answer => answer.pid)).size).toBe(1)
    expect((await call('counter')).pid).toBe(first[0].pid)
  })

  it('restarts a function when its source changes, after the old process finished', async () => {
    await writeFunction('reloads', pidFunction('v1'))
    const before = await call('reloads')
    expect(before.label).toBe('v1')
    await writeFunction('reloads', pidFunction('v2'))
    const after = await eventually(() => call('reloads'), answer => answer.label === 'v2')
    expect(after.label).toBe('v2')
    expect(after.pid).not.toBe(before.pid)
    expect(await eventually(async () => isRunning(before.pid), running => !running)).toBe(false)
  })

  it('stops every Deno process on close', async () => {
    const pids = [(await call('counter')).pid, (await call('reloads')).pid]
    expect(pids.every(isRunning)).toBe(true)
    await service.close?.()
    expect(pids.map(isRunning)).toEqual([false, false])
    const response = await fetch(`${baseUrl}/functions/v1/counter`)
    expect(response.status).toBe(503)
  })
})
