import { createHash } from 'node:crypto'
import type pg from 'pg'

// Distinct query shapes (the SQL text; values are parameters) prepared per generation.
const maxShapes = 256

/**
 * Names statements so each pooled connection parses and plans a query shape once. Names are
 * scoped to the schema cache's generation: after DDL a connection first drops what it prepared
 * (a prepared statement keeps the parameter types it was first given), then prepares afresh.
 */
export class PreparedStatements {
  private generation = Number.NaN
  private names = new Map<string, string>()
  private readonly clientGenerations = new WeakMap<pg.PoolClient, number>()

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
   * How `client` may run a statement of `generation`: named if it is at that generation (after
   * dropping an older generation's statements, `reset`), unnamed if it has moved past it (a
   * request still holding an older snapshot).
   */
  forClient(client: pg.PoolClient, generation: number): { reset: boolean, named: boolean } {
    const current = this.clientGenerations.get(client)
    if (current !== undefined && generation < current)
      return { reset: false, named: false }
    this.clientGenerations.set(client, generation)
    return { reset: current !== undefined && generation > current, named: true }
  }
}
