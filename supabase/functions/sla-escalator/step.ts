// What every step of a run gets and gives back.
import type { Tx } from '../_shared/db/postgres.ts'
import type { PlannedPush } from './push-plan.ts'

export interface StepContext {
  tx: Tx
  /** The run's clock (injected or real). */
  now: Date
  /** Most leads the step takes this run. */
  limit: number
}

export interface StepOutcome<Counts extends Record<string, number>> {
  counts: Counts
  /** To send once the step's transaction has committed. */
  pushes: PlannedPush[]
}
