import { Reader } from './reader.ts'
import type { OrderTerm } from './types.ts'

function term(reader: Reader): OrderTerm {
  const relation = reader.attempt(() => {
    const name = reader.fieldName()
    return reader.peek() === '(' ? name : undefined
  })
  let field
  if (relation !== undefined) {
    reader.expect('(')
    field = reader.field()
    reader.expect(')')
  }
  else {
    field = reader.field()
  }
  const result: OrderTerm = { relation, field }
  if (reader.eat('.asc'))
    result.direction = 'asc'
  else if (reader.eat('.desc'))
    result.direction = 'desc'
  if (reader.eat('.nullsfirst'))
    result.nulls = 'first'
  else if (reader.eat('.nullslast'))
    result.nulls = 'last'
  if (!reader.done && reader.peek() !== ',')
    throw reader.fail(result.direction ? '"nullsfirst" or "nullslast"' : '"asc", "desc", "nullsfirst" or "nullslast"')
  return result
}

/** Parses `order=a.desc.nullslast,rel(b).asc`. */
export function parseOrder(input: string): OrderTerm[] {
  const reader = new Reader(input, 'order')
  const terms: OrderTerm[] = []
  do
    terms.push(term(reader))
  while (reader.eat(','))
  reader.end()
  return terms
}
