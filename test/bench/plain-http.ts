import { Agent, request } from 'node:http'

/**
 * A lean HTTP/1.1 GET over one kept-alive connection, as a load tool measures a server: no fetch
 * streams, no client library. Node 20's fetch (undici) and postgrest-js cost about as much per
 * call as the database round trip itself, the same in front of any server, so they hide what
 * the server adds. Answers the parsed JSON body; a non-2xx status rejects.
 */
export function plainJsonGet(baseUrl: string, headers: Record<string, string>): { get: (path: string) => Promise<unknown>, close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const { hostname, port } = new URL(baseUrl)
  const get = (path: string) => new Promise<unknown>((resolve, reject) => {
    const req = request({ agent, hostname, port, path, headers: { accept: 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString()
        if ((res.statusCode ?? 0) >= 300)
          reject(new Error(`GET ${path} answered ${res.statusCode}: ${body.slice(0, 200)}`))
        else
          resolve(JSON.parse(body))
      })
    })
    req.on('error', reject)
    req.end()
  })
  return { get, close: () => agent.destroy() }
}
