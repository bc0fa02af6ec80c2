import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient } from '@supabase/supabase-js'
import pg from 'pg'
import WebSocket from 'ws'
import { timeEach } from './stats.ts'

/**
 * The floor under any /rest/v1 figure here: supabase-js calls an HTTP server in this process
 * that does nothing but run the direct query on its own connection and answer its rows as
 * JSON (no auth, no parsing, no role switch). What /rest/v1 costs on top of the direct query,
 * this costs too.
 */
export async function timeBareProxy(dbUrl: string, key: string, sql: string, warmup: number, count: number): Promise<number[]> {
  const db = new pg.Client({ connectionString: dbUrl })
  await db.connect()
  const server = createServer((req, res) => {
    const bucket = new URLSearchParams(req.url?.split('?')[1]).get('bucket')?.slice('eq.'.length)
    db.query(sql, [Number(bucket)]).then(({ rows }) => {
      const body = JSON.stringify(rows)
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-range': `0-${rows.length - 1}/*`, 'content-length': String(Buffer.byteLength(body)) })
      res.end(body)
    }, (error: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: error.message }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const client = createClient(url, key, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } })
    const viaProxy = (i: number) => client.from('bench_items').select('id, label').eq('bucket', i % 100).order('id').limit(20).throwOnError()
    await timeEach(warmup, viaProxy)
    return await timeEach(count, viaProxy)
  }
  finally {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    await db.end()
  }
}
