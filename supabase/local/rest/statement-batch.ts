import type pg from 'pg'

/** One statement of a batch: parsed first when its prepared name is new to the connection (or it has none). */
export interface BatchStep {
  text: string
  /** Prepared statement name; undefined runs it as the unnamed statement. */
  name?: string
  /** Send Parse before Bind (a new name, or the unnamed statement). */
  parse: boolean
  values: readonly unknown[]
}

/** The text of each field of a statement's first row (null for SQL NULL); undefined when it returned no row. */
export type FirstRow = Array<string | null> | undefined

// Values go out as text of unknown type, so PostgreSQL infers each from its context.
function asText(value: unknown): string | null {
  if (value === null || value === undefined)
    return null
  if (typeof value === 'string')
    return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  throw new TypeError(`unsupported statement parameter of type ${typeof value}`)
}

/**
 * Sends several statements over the extended protocol with one Sync at the end, for node-postgres'
 * `client.query(submittable)`. PostgreSQL answers the whole batch in one flush, so a request
 * costs one round trip and one wake-up; no Describe is sent, so rows arrive as plain text
 * fields without a row description to build parsers from. After an error PostgreSQL skips the
 * rest of the batch up to the Sync, and `done` rejects with that error.
 */
export class StatementBatch implements pg.Submittable {
  readonly done: Promise<FirstRow[]>
  private readonly rows: FirstRow[] = []
  private current = 0
  private settle!: { resolve: (rows: FirstRow[]) => void, reject: (error: Error) => void }

  constructor(private readonly steps: readonly BatchStep[]) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject }
    })
  }

  submit(connection: pg.Connection): void {
    // Corked, the batch leaves in one write.
    connection.stream.cork()
    try {
      for (const step of this.steps) {
        if (step.parse)
          connection.parse({ name: step.name ?? '', text: step.text, types: [] }, true)
        connection.bind({ statement: step.name ?? '', values: step.values.map(asText) }, true)
        connection.execute(null, true)
      }
      connection.sync()
    }
    finally {
      connection.stream.uncork()
    }
  }

  handleDataRow(message: { fields: Array<string | null> }): void {
    this.rows[this.current] ??= message.fields
  }

  handleCommandComplete(): void {
    this.current++
  }

  handleEmptyQuery(): void {
    this.current++
  }

  handleRowDescription(): void {}

  handlePortalSuspended(): void {}

  handleError(error: Error): void {
    this.settle.reject(error)
  }

  handleReadyForQuery(): void {
    this.rows.length = this.steps.length
    this.settle.resolve(this.rows)
  }

  handleCopyInResponse(connection: pg.Connection & { sendCopyFail: (message: string) => void }): void {
    connection.sendCopyFail('COPY is not supported by the REST service')
  }

  handleCopyData(): void {}
}
