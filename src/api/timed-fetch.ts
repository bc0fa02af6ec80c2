// A stalled connection (one bar of signal, a captive portal) can leave a request unanswered for
// minutes; the sync and the queue would wait on it. No import of the app's client here: the
// service worker builds its own client with this too.

/** How long an API request may take, answer included, before it counts as a network failure. */
export const requestTimeoutMs = 20_000

/** Aborts when either signal does (AbortSignal.any is missing from older iOS Safari). */
function eitherSignal(a: AbortSignal, b: AbortSignal | null | undefined): AbortSignal {
  if (!b)
    return a
  if (typeof AbortSignal.any === 'function')
    return AbortSignal.any([a, b])
  const both = new AbortController()
  for (const signal of [a, b]) {
    if (signal.aborted)
      both.abort(signal.reason)
    else
      signal.addEventListener('abort', () => both.abort(signal.reason), { once: true })
  }
  return both.signal
}

/**
 * `fetch` that gives up after `timeoutMs` with a TimeoutError, so the caller sees a network
 * failure (supabase-js reports a failed fetch as status 0, auth-js as a retryable fetch error).
 * The clock also covers reading the body, which is where a stalled connection usually hangs.
 */
export function timedFetch(timeoutMs = requestTimeoutMs, fetchImpl: typeof fetch = (...args) => fetch(...args)): typeof fetch {
  return (input, init) => fetchImpl(input, { ...init, signal: eitherSignal(AbortSignal.timeout(timeoutMs), init?.signal) })
}
