import { RestError } from '../errors.ts'
import type { Routine, RoutineParam } from '../schema/introspect.ts'

/** How the request's arguments reach the function. */
export type ArgumentStyle = 'named' | 'single-json'

export interface RoutineCall {
  routine: Routine
  style: ArgumentStyle
  /** The parameters given, in the function's order (named style). */
  given: RoutineParam[]
}

function takesSingleJson(routine: Routine): boolean {
  return routine.params.length === 1 && routine.params[0].name === '' && /^jsonb?$/.test(routine.params[0].type)
}

function acceptsNames(routine: Routine, names: string[]): boolean {
  if (routine.params.some(param => param.name === ''))
    return false
  const known = new Set(routine.params.map(param => param.name))
  return names.every(name => known.has(name))
    && routine.params.every(param => param.hasDefault || names.includes(param.name))
}

function notFound(schema: string, name: string, names: string[], jsonBody: boolean): RestError {
  const sorted = [...names].sort()
  const qualifiedName = `${schema}.${name}`
  const signature = sorted.length ? `(${sorted.join(', ')})` : ' without parameters'
  const searched = sorted.length ? ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}` : ' without parameters'
  return new RestError(404, 'PGRST202', `Could not find the function ${qualifiedName}${signature} in the schema cache`,
    `Searched for the function ${qualifiedName}${searched}${jsonBody ? ' or with a single unnamed json/jsonb parameter' : ''}, but no matches were found in the schema cache.`)
}

/**
 * Picks the overload the argument names select, as PostgREST does: every name must be a
 * parameter and every parameter without a default must be named. A POST body can also go
 * whole to a function taking one unnamed json/jsonb parameter.
 */
export function resolveRoutine(candidates: Routine[], schema: string, name: string, names: string[], jsonBody: boolean): RoutineCall {
  const named = candidates.filter(routine => acceptsNames(routine, names))
  if (named.length > 1) {
    const list = named.map(routine => `${schema}.${name}(${routine.params.map(param => `${param.name} => ${param.type}`).join(', ')})`)
    throw new RestError(300, 'PGRST203', `Could not choose the best candidate function between: ${list.join(', ')}`, null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved')
  }
  if (named.length === 1) {
    const routine = named[0]
    return { routine, style: 'named', given: routine.params.filter(param => names.includes(param.name)) }
  }
  const single = jsonBody ? candidates.find(takesSingleJson) : undefined
  if (single)
    return { routine: single, style: 'single-json', given: single.params }
  throw notFound(schema, name, names, jsonBody)
}
