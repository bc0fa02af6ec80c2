import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { Service } from './http.ts'
import { corsHeaders, sendJson } from './http.ts'
import { log } from './log.ts'

/**
 * The single HTTP port of the stack, standing in for Supabase's API gateway: routes by path
 * prefix to each service and logs one line per request with its status and duration.
 */
export function createGateway(services: Service[]): Server {
  const route = (url: string) => {
    const pathname = url.split('?')[0]
    for (const service of services) {
      if (pathname === service.prefix || pathname.startsWith(`${service.prefix}/`))
        return { service, path: pathname.slice(service.prefix.length) || '/' }
    }
    return undefined
  }

  const server = createServer((req, res) => {
    if (log.infoEnabled()) {
      const started = performance.now()
      res.on('finish', () => {
        const ms = (performance.now() - started).toFixed(1)
        log.info('api', `${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${ms}ms`)
      })
    }
    const match = route(req.url ?? '/')
    if (!match) {
      sendJson(res, 404, { message: 'no Route matched with those values' }, corsHeaders(req))
      return
    }
    match.service.handle(req, res, match.path).catch((error: Error) => {
      log.error(match.service.name, error.stack ?? error.message)
      if (!res.headersSent)
        sendJson(res, 500, { code: 'XX000', message: error.message, details: null, hint: null }, corsHeaders(req))
      else
        res.end()
    })
  })

  server.on('upgrade', (req, socket, head) => {
    const match = route(req.url ?? '/')
    if (!match?.service.upgrade) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    match.service.upgrade(req, socket, head)
  })
  return server
}
