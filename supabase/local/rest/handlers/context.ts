import type { IncomingMessage } from 'node:http'
import { tableNotFound } from '../errors.ts'
import type { RunOptions, Statement } from '../execute.ts'
import type { Preferences } from '../prefer.ts'
import type { JsonBody, OutputFormat } from '../request.ts'
import type { SchemaSnapshot, Table } from '../schema/introspect.ts'
import type { StatementResult } from '../sql/statements.ts'

/** Everything a handler needs about one request, already authenticated and negotiated. */
export interface HandlerContext {
  req: IncomingMessage
  method: string
  name: string
  search: URLSearchParams
  prefer: Preferences
  output: OutputFormat
  snapshot: SchemaSnapshot
  /** The JSON body, read once (a handler may run twice when the schema cache reloads); `emptyAs` stands in for an empty body. */
  body: (emptyAs?: string) => Promise<JsonBody>
  /** Runs the statement in the request's transaction, as the request's role. */
  run: (statement: Statement, options: Omit<RunOptions, 'generation'>) => Promise<StatementResult>
}

export function tableOf(snapshot: SchemaSnapshot, name: string): Table {
  const table = snapshot.tables.get(name)
  if (!table)
    throw tableNotFound(snapshot.schema, name)
  return table
}

/** `Preference-Applied`, listing the given preferences that the operation honoured. */
export function preferenceApplied(prefer: Preferences, keys: string[]): Record<string, string> {
  const applied = prefer.applied.filter(entry => keys.includes(entry.split('=')[0].trim()))
  return applied.length ? { 'preference-applied': applied.join(', ') } : {}
}
