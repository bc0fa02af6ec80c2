import type { RoutineCall } from '../plan/routine.ts'
import { ident, qualified } from './params.ts'
import type { SqlParams } from './params.ts'

/** Where the argument values come from: a JSON body (POST) or query-string text (GET). */
export type CallArguments =
  | { kind: 'json', body: string }
  | { kind: 'text', values: Map<string, string> }

/**
 * The function call as a row source: `SELECT pgrst_call.* FROM fn(...) pgrst_call` for
 * composite results, `SELECT fn(...) AS pgrst_scalar` for scalars. JSON arguments are typed by
 * json_to_record with the parameters' types; query-string ones are cast from text.
 */
export function callSql(schema: string, call: RoutineCall, args: CallArguments, params: SqlParams): string {
  const { routine, style, given } = call
  const fn = qualified(schema, routine.name)
  let argumentList: string
  let from = ''
  if (style === 'single-json') {
    argumentList = `${params.add(args.kind === 'json' ? args.body : '{}')}::${given[0].type}`
  }
  else if (args.kind === 'json') {
    argumentList = given.map(param => `${param.variadic ? 'VARIADIC ' : ''}${ident(param.name)} := pgrst_args.${ident(param.name)}`).join(', ')
    if (given.length > 0) {
      const record = given.map(param => `${ident(param.name)} ${param.type}`).join(', ')
      from = `json_to_record(${params.add(args.body)}::json) AS pgrst_args(${record})`
    }
  }
  else {
    argumentList = given
      .map(param => `${param.variadic ? 'VARIADIC ' : ''}${ident(param.name)} := ${params.add(args.values.get(param.name))}::${param.type}`)
      .join(', ')
  }
  const invocation = `${fn}(${argumentList})`
  if (routine.returns.kind === 'composite')
    return `SELECT pgrst_call.* FROM ${from ? `${from}, LATERAL ` : ''}${invocation} AS pgrst_call`
  return `SELECT ${invocation} AS pgrst_scalar${from ? ` FROM ${from}` : ''}`
}
