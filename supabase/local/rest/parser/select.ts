import { RestError } from '../errors.ts'
import { Reader } from './reader.ts'
import type { EmbedItem, SelectItem } from './types.ts'

const aggregatesDisabled = () => new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed')

function itemEnd(reader: Reader): boolean {
  return reader.done || reader.peek() === ',' || reader.peek() === ')'
}

/** `!hint` and `!inner`/`!left`, in either order. */
function embedParams(reader: Reader): Pick<EmbedItem, 'hint' | 'joinType'> {
  const params: Pick<EmbedItem, 'hint' | 'joinType'> = {}
  for (let i = 0; i < 2 && reader.eat('!'); i++) {
    const word = reader.fieldName()
    if (word === 'inner' || word === 'left')
      params.joinType = word
    else
      params.hint = word
  }
  return params
}

function embed(reader: Reader, relation: string, alias: string | undefined, spread: boolean): EmbedItem {
  const params = embedParams(reader)
  reader.expect('(')
  const children = forest(reader)
  reader.expect(')')
  return { kind: 'embed', relation, alias, spread, children, ...params }
}

function item(reader: Reader): SelectItem {
  reader.skipSpaces()
  const parsed = itemAfterSpaces(reader)
  reader.skipSpaces()
  return parsed
}

function itemAfterSpaces(reader: Reader): SelectItem {
  if (reader.eat('...'))
    return embed(reader, reader.fieldName(), undefined, true)
  if (reader.peek() === '*') {
    reader.eat('*')
    if (!itemEnd(reader))
      throw reader.fail('")", "," or end of input')
    return { kind: 'star' }
  }
  const alias = reader.attempt(() => {
    const name = reader.fieldName()
    if (reader.peek() !== ':' || reader.peek(2) === '::')
      return undefined
    reader.eat(':')
    return name
  })
  if (reader.startsWith('count()'))
    throw aggregatesDisabled()
  const name = reader.fieldName()
  if (reader.peek() === '(' || reader.peek() === '!')
    return embed(reader, name, alias, false)
  const field = { name, jsonPath: reader.jsonPath() }
  const cast = reader.eat('::') ? reader.identifier() : undefined
  if (/^\.(sum|avg|count|max|min)\(\)/.test(reader.rest()))
    throw aggregatesDisabled()
  if (!itemEnd(reader))
    throw reader.fail('letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input')
  return { kind: 'column', field, alias, cast }
}

function forest(reader: Reader): SelectItem[] {
  const items: SelectItem[] = []
  if (reader.done || reader.peek() === ')')
    return items
  do
    items.push(item(reader))
  while (reader.eat(','))
  return items
}

/** Parses `select=`; an empty one means every column, as in PostgREST. */
export function parseSelect(input: string): SelectItem[] {
  const reader = new Reader(input, 'select parameter')
  const items = forest(reader)
  reader.end()
  return items.length ? items : [{ kind: 'star' }]
}
