import { queryParamError } from '../errors.ts'
import type { Field, JsonStep } from './types.ts'

// PostgREST's identifier characters: letters, digits, `_`, `$` and spaces, joined by dashes
// that do not start a `->` arrow.
const identifierChar = /[\p{L}\p{N}_ $]/u

/**
 * A cursor over one query-parameter value with the lexical pieces PostgREST's grammar shares:
 * field names (bare or double-quoted), JSON paths and quoted values. Failures are PGRST100
 * errors that say where parsing stopped, as PostgREST's do.
 */
export class Reader {
  position = 0

  constructor(readonly input: string, readonly what: string) {}

  get done(): boolean {
    return this.position >= this.input.length
  }

  peek(length = 1): string {
    return this.input.slice(this.position, this.position + length)
  }

  rest(): string {
    return this.input.slice(this.position)
  }

  startsWith(text: string): boolean {
    return this.input.startsWith(text, this.position)
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t')
      this.position++
  }

  /** Consumes `text` if it comes next. */
  eat(text: string): boolean {
    if (!this.startsWith(text))
      return false
    this.position += text.length
    return true
  }

  expect(text: string, expecting = JSON.stringify(text)): void {
    if (!this.eat(text))
      throw this.fail(expecting)
  }

  /** The PGRST100 error for what was found here instead of `expecting`. */
  fail(expecting: string): Error {
    const found = this.done ? 'end of input' : JSON.stringify(this.peek())
    return queryParamError(this.what, this.input, this.position + 1, `unexpected ${found} expecting ${expecting}`)
  }

  /**
   * Runs `parse`, rewinding and returning undefined if it returns undefined (the alternative
   * does not apply) or throws (it does not parse). Per request these misses are the common
   * case, so `parse` says so by returning rather than by building an error.
   */
  attempt<T>(parse: () => T | undefined): T | undefined {
    const start = this.position
    try {
      const parsed = parse()
      if (parsed === undefined)
        this.position = start
      return parsed
    }
    catch {
      this.position = start
      return undefined
    }
  }

  /** `"quoted, with \" escapes"` */
  quoted(): string {
    this.expect('"')
    let value = ''
    while (!this.done && this.peek() !== '"') {
      if (this.peek() === '\\')
        this.position++
      value += this.peek()
      this.position++
    }
    this.expect('"')
    return value
  }

  private dashJoined(isChar: (char: string) => boolean, expecting: string): string {
    let value = ''
    for (;;) {
      const start = this.position
      while (!this.done && isChar(this.peek()))
        this.position++
      if (this.position === start)
        throw this.fail(expecting)
      value += this.input.slice(start, this.position)
      if (this.peek() === '-' && this.peek(2) !== '->') {
        this.position++
        value += '-'
        continue
      }
      if (value.trim() === '') {
        this.position = start
        throw this.fail(expecting)
      }
      return value.trim()
    }
  }

  fieldName(): string {
    if (this.peek() === '"')
      return this.quoted()
    return this.dashJoined(char => identifierChar.test(char), 'field name (* or [a..z0..9_$])')
  }

  /** `->key`, `->>0`, ... (possibly none). */
  jsonPath(): JsonStep[] {
    const steps: JsonStep[] = []
    for (;;) {
      const arrow = this.eat('->>') ? '->>' : this.eat('->') ? '->' : undefined
      if (!arrow)
        return steps
      const index = /^-?\d+(?=->|::|\.|,|\)|$)/.exec(this.rest())
      if (index) {
        this.position += index[0].length
        steps.push({ arrow, key: index[0], index: true })
      }
      else {
        const key = this.peek() === '"'
          ? this.quoted()
          : this.dashJoined(char => !'(-:.,>)'.includes(char), 'any non reserved character different from: .,>()')
        steps.push({ arrow, key, index: false })
      }
    }
  }

  field(): Field {
    const name = this.fieldName()
    return { name, jsonPath: this.jsonPath() }
  }

  /** Identifier characters only, as casts and text-search languages allow. */
  identifier(): string {
    const match = /^[\p{L}\p{N}_ $]+/u.exec(this.rest())
    if (!match)
      throw this.fail('letter or digit')
    this.position += match[0].length
    return match[0].trim()
  }

  end(): void {
    if (!this.done)
      throw this.fail('end of input')
  }
}
