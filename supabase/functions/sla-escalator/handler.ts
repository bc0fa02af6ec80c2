// POST /functions/v1/sla-escalator: one run, by the schedule (pg_cron + pg_net in production, the
// local stack's scheduler) or by hand with the service-role key. Answers the run's summary.
import { checkCaller } from './caller.ts'
import type { RunDeps } from './run.ts'
import { runEscalator } from './run.ts'
import { parseRunOptions, RunOptionsError } from './run-options.ts'

export interface EscalatorDeps extends RunDeps {
  serviceRoleKey: string | null
  clock: () => Date
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

function refusal(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code, message } }, headers)
}

export async function handleEscalator(request: Request, deps: EscalatorDeps): Promise<Response> {
  if (request.method !== 'POST')
    return refusal(405, 'method_not_allowed', 'Run the escalator with POST', { allow: 'POST' })
  const caller = checkCaller(request.headers.get('authorization'), deps.serviceRoleKey)
  if (caller === 'unauthenticated')
    return refusal(401, 'unauthenticated', 'Call with the service-role key as a Bearer token')
  if (caller === 'forbidden')
    return refusal(403, 'forbidden', 'Only the service role may run the SLA escalator')

  let now: Date
  try {
    now = parseRunOptions(await request.text()).now ?? deps.clock()
  }
  catch (error) {
    if (error instanceof RunOptionsError)
      return refusal(400, 'invalid_body', error.message)
    throw error
  }

  const summary = await runEscalator(deps, now)
  // A failed step is an answer the scheduler logs; the rest of the run still happened.
  return json(summary.ok ? 200 : 500, summary)
}
