// Who is posting: a browser that wants a page back, and from which address.

function quality(accept: string, type: string): number {
  let best = 0
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';')
    if (range !== type)
      continue
    const q = params.map(param => param.trim()).find(param => param.startsWith('q='))
    best = Math.max(best, q === undefined ? 1 : Number(q.slice(2)) || 0)
  }
  return best
}

/** A browser navigating with a plain <form> asks for text/html; API clients ask for JSON or anything. */
export function wantsHtml(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  const html = quality(accept, 'text/html')
  return html > 0 && html >= quality(accept, 'application/json')
}

/**
 * The client's address: the X-Forwarded-For entry added by the last trusted proxy. With no
 * trusted hops configured that is the rightmost entry, the one the platform's gateway appended;
 * entries further left were sent by the client and could be anything.
 */
export function clientIp(request: Request, trustedProxyHops = 0): string {
  const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').map(entry => entry.trim()).filter(Boolean)
  if (hops.length === 0)
    return 'unknown'
  return hops[Math.max(0, hops.length - 1 - trustedProxyHops)]!.slice(0, 64)
}
