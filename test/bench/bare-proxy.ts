import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'

export interface BareProxy {
  url: string
  close: () => Promise<void>
}

/**
 * The floor under any /rest/v1 figure here: an HTTP server in this process that does nothing
 * but run the direct query (its `bucket=eq.N` filter as the parameter) on its own connection and
 * answer its rows as JSON (no auth, no parsing, no role switch). What /rest/v1 costs on top of the
 * direct query, a client pays here too.
 */
export async function startBareProxy(dbUrl: string, sql: string): Promise<BareProxy> {
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      await db.end()
    },
  }
}
