import pg from 'pg'

/** Collects the values of one statement; SQL text only ever holds `$n` placeholders for them. */
export class SqlParams {
  readonly values: unknown[] = []

  /** Adds a value (sent as text of unknown type, so PostgreSQL infers it from context) and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/** A double-quoted identifier. */
export const ident = (name: string): string => pg.escapeIdentifier(name)

export const qualified = (schema: string, name: string): string => `${ident(schema)}.${ident(name)}`

/**
 * A PostgreSQL array literal of text elements, e.g. `{"a","b,c"}`, passed as one unknown-typed
 * parameter so `= ANY($1)` takes the column's type.
 */
export function arrayLiteral(values: string[]): string {
  return `{${values.map(value => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`
}

// Casts are written unquoted (`"bigint"` would not resolve), so only plain type names pass.
const castPattern = /^[a-z_][a-z0-9_ ]*(\[\])?$/i

export function isSafeCast(cast: string): boolean {
  return castPattern.test(cast)
}
