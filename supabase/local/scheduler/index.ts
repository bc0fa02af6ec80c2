import { log } from '../log.ts'
import type { ScheduledCall } from '../schedule.ts'

export interface SchedulerOptions {
  /** The gateway URL, e.g. http://127.0.0.1:54321 */
  apiUrl: string
  serviceRoleKey: string
  calls: ScheduledCall[]
}

export interface Scheduler {
  /** Stops the timers and waits for (aborted) calls in flight. */
  stop: () => Promise<void>
}

/**
 * Invokes functions on a fixed rate, standing in for pg_cron + pg_net: each call is a POST with the
 * service-role key through the gateway, exactly what the production cron job sends. Like pg_cron,
 * a call still running when its next turn comes makes that turn skip rather than pile up.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const abort = new AbortController()
  const timers = new Set<NodeJS.Timeout>()
  const inFlight = new Set<Promise<void>>()

  for (const call of options.calls) {
    const periodMs = call.everySeconds * 1000
    const started = performance.now()
    let running = false
    // Failures are logged when the outcome changes, not every period.
    let lastOutcome = 'ok'

    const run = async () => {
      const began = performance.now()
      let outcome: string
      try {
        const response = await fetch(`${options.apiUrl}/functions/v1/${call.function}`, {
          method: 'POST',
          headers: {
            'authorization': `Bearer ${options.serviceRoleKey}`,
            'apikey': options.serviceRoleKey,
            'content-type': 'application/json',
          },
          body: JSON.stringify(call.body),
          signal: abort.signal,
        })
        const text = await response.text()
        outcome = response.ok ? 'ok' : `${response.status} ${text.slice(0, 200)}`
      }
      catch (error) {
        if (abort.signal.aborted)
          return
        outcome = (error as Error).message
      }
      const ms = (performance.now() - began).toFixed(0)
      if (outcome === 'ok') {
        if (lastOutcome !== 'ok')
          log.info('scheduler', `${call.function} is answering again`)
        log.debug('scheduler', `${call.function} ok in ${ms}ms`)
      }
      else if (outcome !== lastOutcome) {
        log.error('scheduler', `${call.function} failed: ${outcome} (not repeated until it changes)`)
      }
      lastOutcome = outcome
    }

    const tick = () => {
      if (!running) {
        running = true
        const done = run().finally(() => {
          running = false
          inFlight.delete(done)
        })
        inFlight.add(done)
      }
      else {
        log.debug('scheduler', `${call.function} still running: skipped a turn`)
      }
      next()
    }
    // Fixed rate from the start time: slow calls neither drift the schedule nor cause catch-up bursts.
    const next = () => {
      if (abort.signal.aborted)
        return
      const now = performance.now()
      const turn = Math.floor((now - started) / periodMs) + 1
      const delay = started + turn * periodMs - now
      const timer = setTimeout(() => {
        timers.delete(timer)
        tick()
      }, delay)
      timers.add(timer)
    }
    next()
  }
  if (options.calls.length > 0)
    log.info('scheduler', options.calls.map(call => `${call.function} every ${call.everySeconds}s`).join(', '))

  return {
    async stop() {
      abort.abort()
      for (const timer of timers)
        clearTimeout(timer)
      timers.clear()
      await Promise.allSettled([...inFlight])
    },
  }
}
