// What a caller may ask of one run: `{"now": "<ISO 8601>"}` to run as if it were that time
// (tests and replays), else the real clock. The body is optional.

export class RunOptionsError extends Error {}

export interface RunOptions {
  /** The injected clock; null for the real one. */
  now: Date | null
}

// A date and a time with an explicit offset: a zone-less time would mean different instants on different machines.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/** Reads the run options from a request body (JSON text, possibly empty); throws RunOptionsError with a message for people. */
export function parseRunOptions(text: string): RunOptions {
  if (text.trim() === '')
    return { now: null }
  let body: unknown
  try {
    body = JSON.parse(text)
  }
  catch {
    throw new RunOptionsError('The body must be JSON, e.g. {"now": "2026-11-23T10:00:00Z"}, or empty')
  }
  if (body === null)
    return { now: null }
  if (typeof body !== 'object' || Array.isArray(body))
    throw new RunOptionsError('The body must be a JSON object, e.g. {"now": "2026-11-23T10:00:00Z"}')
  const now = (body as { now?: unknown }).now
  if (now === undefined || now === null)
    return { now: null }
  if (typeof now !== 'string' || !isoInstant.test(now) || Number.isNaN(Date.parse(now)))
    throw new RunOptionsError(`"now" must be an ISO 8601 date and time with a zone, e.g. "2026-11-23T10:00:00Z"; got ${JSON.stringify(now).slice(0, 60)}`)
  return { now: new Date(now) }
}
