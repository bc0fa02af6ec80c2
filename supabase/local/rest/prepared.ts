import { createHash } from 'node:crypto'
import type { BatchStep } from './statement-batch.ts'

// Distinct query shapes (the SQL text; values are parameters) prepared per generation.
const maxShapes = 256

/** What one pooled connection holds: the generation its statements belong to and their names. */
interface ConnectionStatements {
  generation: number
  names: Set<string>
  /** A batch that parsed statements failed: which of them exist is unknown, so drop them all. */
  unknown: boolean
}

/** A batch's statements for one connection, and whether its prepared statements must go first. */
export interface PreparedBatch {
  /** Send `DEALLOCATE ALL` before the steps (older generation, or unknown statements). */
  reset: boolean
  steps: BatchStep[]
}

/**
 * Names statements so each pooled connection parses and plans a query shape once. Names are
 * scoped to the schema cache's generation: after DDL a connection first drops what it prepared
 * (a prepared statement keeps the parameter types it was first given), then prepares afresh.
 */
export class PreparedStatements {
  private generation = Number.NaN
  private names = new Map<string, string>()
  private readonly connections = new WeakMap<object, ConnectionStatements>()

  /** The name for `text` in `generation`, or undefined once the cap is reached (then it runs unnamed). */
  name(text: string, generation: number): string | undefined {
    if (generation !== this.generation) {
      this.generation = generation
      this.names = new Map()
    }
    let name = this.names.get(text)
    if (name === undefined && this.names.size < maxShapes) {
      name = `pgrst_${generation.toString(36)}_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
      this.names.set(text, name)
    }
    return name
  }

  /**
   * The steps that run `statements` on `connection` at `generation`: named and parsed only
   * where the connection lacks them. A connection already past that generation (a request
   * still holding an older snapshot) runs them unnamed.
   */
  batchFor(connection: object, generation: number, statements: ReadonlyArray<{ text: string, values: readonly unknown[] }>): PreparedBatch {
    let held = this.connections.get(connection)
    if (held !== undefined && generation < held.generation)
      return { reset: false, steps: statements.map(({ text, values }) => ({ text, values, parse: true })) }
    const reset = held !== undefined && (generation > held.generation || held.unknown)
    if (held === undefined || reset) {
      held = { generation, names: new Set(), unknown: false }
      this.connections.set(connection, held)
    }
    const names = held.names
    const steps = statements.map(({ text, values }): BatchStep => {
      const name = this.name(text, generation)
      const parse = name === undefined || !names.has(name)
      if (name !== undefined)
        names.add(name)
      return { text, name, parse, values }
    })
    return { reset, steps }
  }

  /** A batch sent to `connection` with Parse steps failed: some of those names may not exist. */
  batchFailed(connection: object, batch: PreparedBatch): void {
    const held = this.connections.get(connection)
    if (held && batch.steps.some(step => step.parse && step.name !== undefined))
      held.unknown = true
  }
}
