// One run of the escalator: each step in its own transaction (a lead that trips one step holds
// up neither the others nor the next run's), in ladder order, then the pushes of the committed
// steps, and a summary of what happened.
import type { Sql } from '../_shared/db/postgres.ts'
import { inTransaction } from '../_shared/db/postgres.ts'
import { breachDueLeads } from './breach.ts'
import { remindCallbacks } from './callback-reminders.ts'
import { escalateOverdue } from './escalate.ts'
import { deliverPushes } from './push-delivery.ts'
import type { PushSender, PushTally } from './push-delivery.ts'
import type { PlannedPush } from './push-plan.ts'
import { remindOwners } from './remind.ts'
import { rerouteFromUnavailable } from './reroute.ts'
import type { StepContext, StepOutcome } from './step.ts'

export interface RunDeps {
  sql: Sql
  sender: PushSender | null
  batchLimit: number
}

type Step = (context: StepContext) => Promise<StepOutcome<Record<string, number>>>

// Escalations first and reminders last: a lead takes at most the step it is due for in a run,
// and a clock that has run out is breached rather than reminded.
const steps: Array<[name: string, step: Step]> = [
  ['escalate', escalateOverdue],
  ['breach', breachDueLeads],
  ['reroute', rerouteFromUnavailable],
  ['remind', remindOwners],
  ['callbacks', remindCallbacks],
]

export interface StepSummary {
  counts: Record<string, number>
  ms: number
  /** Why the step failed; its transaction was rolled back and the next run tries again. */
  error?: string
}

export interface RunSummary {
  now: string
  steps: Record<string, StepSummary>
  pushes: PushTally & { ms: number }
  duration_ms: number
  ok: boolean
}

const elapsed = (since: number) => Math.round(performance.now() - since)

export async function runEscalator(deps: RunDeps, now: Date): Promise<RunSummary> {
  const started = performance.now()
  const summaries: Record<string, StepSummary> = {}
  const pushes: PlannedPush[] = []
  for (const [name, step] of steps) {
    const stepStarted = performance.now()
    try {
      const outcome = await inTransaction(deps.sql, tx => step({ tx, now, limit: deps.batchLimit }))
      pushes.push(...outcome.pushes)
      summaries[name] = { counts: outcome.counts, ms: elapsed(stepStarted) }
    }
    catch (error) {
      console.error(`sla-escalator: step ${name} failed:`, error)
      summaries[name] = { counts: {}, ms: elapsed(stepStarted), error: (error as Error).message }
    }
  }
  const pushStarted = performance.now()
  const tally = await deliverPushes(deps.sql, deps.sender, pushes).catch((error) => {
    console.error('sla-escalator: sending pushes failed:', error)
    return { sent: 0, failed: pushes.length, no_subscription: 0, pending: 0, held_back: 0 }
  })
  return {
    now: now.toISOString(),
    steps: summaries,
    pushes: { ...tally, ms: elapsed(pushStarted) },
    duration_ms: elapsed(started),
    ok: Object.values(summaries).every(summary => summary.error === undefined),
  }
}
