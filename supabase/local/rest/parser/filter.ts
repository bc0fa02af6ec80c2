import { Reader } from './reader.ts'
import type { CompareOperator, Filter, FtsOperator, IsValue, LogicTree, Operation } from './types.ts'

const operatorExpectation = '"not" or operator (eq, gt, ...)'
const simpleOperators = /^(neq|cs|cd|ov|sl|sr|nxr|nxl|adj)\./
const quantifiedOperators = /^(eq|gte|gt|lte|lt|like|ilike|match|imatch)(?:\((any|all)\))?\./
const ftsOperators = /^(fts|plfts|phfts|wfts)(?:\(([\p{L}\p{N}_ $]+)\))?\./u
const isValues: IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown']

/** Reads a value; inside `or=(...)` it stops at `,`/`)` unless quoted or a `{...}` array literal. */
type ValueReader = (reader: Reader) => string

const wholeValue: ValueReader = (reader) => {
  const value = reader.rest()
  reader.position = reader.input.length
  return value
}

const logicValue: ValueReader = (reader) => {
  if (reader.peek() === '"') {
    const quoted = reader.attempt(() => {
      const value = reader.quoted()
      return reader.done || ',)'.includes(reader.peek()) ? value : undefined
    })
    if (quoted !== undefined)
      return quoted
  }
  const array = /^\{[^{}]*\}/.exec(reader.rest())
  const bare = array ?? /^[^,)]*/.exec(reader.rest())!
  reader.position += bare[0].length
  return bare[0]
}

/** `(a,"b,c",d)` after `in.` */
function listValue(reader: Reader): string[] {
  reader.expect('(')
  const values: string[] = []
  do {
    const quoted = reader.peek() === '"'
      ? reader.attempt(() => {
          const value = reader.quoted()
          return ',)'.includes(reader.peek()) ? value : undefined
        })
      : undefined
    if (quoted !== undefined) {
      values.push(quoted)
      continue
    }
    const bare = /^[^,)]*/.exec(reader.rest())![0]
    reader.position += bare.length
    values.push(bare)
  } while (reader.eat(','))
  reader.expect(')')
  return values
}

function operation(reader: Reader, value: ValueReader): Operation {
  const rest = reader.rest()
  if (reader.eat('in.'))
    return { kind: 'in', values: listValue(reader) }
  if (reader.eat('isdistinct.'))
    return { kind: 'compare', operator: 'isdistinct', value: value(reader) }
  if (reader.eat('is.')) {
    const word = isValues.find(candidate => reader.rest().toLowerCase().startsWith(candidate)
      && !/[\p{L}\p{N}_]/u.test(reader.rest().charAt(candidate.length)))
    if (!word)
      throw reader.fail('isVal: (null, not_null, true, false, unknown)')
    reader.position += word.length
    return { kind: 'is', value: word }
  }
  const fts = ftsOperators.exec(rest)
  if (fts) {
    reader.position += fts[0].length
    return { kind: 'fts', operator: fts[1] as FtsOperator, language: fts[2]?.trim(), value: value(reader) }
  }
  const simple = simpleOperators.exec(rest)
  if (simple) {
    reader.position += simple[0].length
    return { kind: 'compare', operator: simple[1] as CompareOperator, value: value(reader) }
  }
  const quantified = quantifiedOperators.exec(rest)
  if (quantified) {
    reader.position += quantified[0].length
    const quantifier = quantified[2] as 'any' | 'all' | undefined
    return { kind: 'compare', operator: quantified[1] as CompareOperator, quantifier, value: value(reader) }
  }
  throw reader.fail(operatorExpectation)
}

function operatorExpression(reader: Reader, value: ValueReader): Pick<Filter, 'negate' | 'operation'> {
  const negate = reader.eat('not.')
  return { negate, operation: operation(reader, value) }
}

/** Parses the value of `col=<value>`, e.g. `not.in.(1,2)`. */
export function parseFilterValue(input: string): Pick<Filter, 'negate' | 'operation'> {
  const reader = new Reader(input, 'filter')
  const expression = operatorExpression(reader, wholeValue)
  reader.end()
  return expression
}

function logicTree(reader: Reader): LogicTree {
  const filter = reader.attempt((): Filter => {
    const field = reader.field()
    reader.expect('.', 'delimiter (.)')
    return { field, ...operatorExpression(reader, logicValue) }
  })
  if (filter)
    return { kind: 'filter', filter }
  const negate = reader.eat('not.')
  const operator = reader.eat('and') ? 'and' : reader.eat('or') ? 'or' : undefined
  if (!operator)
    throw reader.fail('logic operator (and, or)')
  reader.expect('(')
  const children: LogicTree[] = []
  do
    children.push(logicTree(reader))
  while (reader.eat(','))
  reader.expect(')')
  return { kind: 'group', negate, operator, children }
}

/** Parses `or=(a.eq.1,and(b.gt.0,b.lt.9))`; `operator` comes from the key (`or`, `not.and`, ...). */
export function parseLogicTree(operator: string, input: string): LogicTree {
  const reader = new Reader(`${operator}${input}`, 'logic tree')
  const tree = logicTree(reader)
  reader.end()
  return tree
}
