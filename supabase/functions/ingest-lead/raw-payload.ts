// The payload as received, kept on the lead (leads.raw_payload) for audits and for fields nobody
// mapped yet. Stored as jsonb, which refuses NUL characters and lone surrogates and chokes on
// absurd nesting, so those are made safe; the source key is never kept.
import type { JsonValue } from '../_shared/domain/lead-input.ts'
import { normalizeFieldName } from '../_shared/domain/text.ts'
import type { LeadBody } from './request-body.ts'

const MAX_DEPTH = 16
const KEY_FIELDS = new Set(['source_key'])

// eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL refuses
const NUL = /\u0000/g

function safeText(text: string): string {
  return text.toWellFormed().replace(NUL, '')
}

/** An object without a prototype: keys such as "__proto__" stay plain data. */
function setKey(record: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

function safeJson(value: unknown, depth: number): JsonValue {
  if (value === null || typeof value === 'boolean')
    return value
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : null
  if (typeof value === 'string')
    return safeText(value)
  if (depth >= MAX_DEPTH)
    return '[nested too deep]'
  if (Array.isArray(value))
    return value.map(item => safeJson(item, depth + 1))
  if (typeof value === 'object') {
    const record: Record<string, JsonValue> = {}
    for (const [key, item] of Object.entries(value))
      setKey(record, safeText(key), safeJson(item, depth + 1))
    return record
  }
  return null
}

/** What to store as the lead's raw payload. */
export function rawPayloadOf(body: LeadBody): JsonValue {
  const record: Record<string, JsonValue> = {}
  if (body.kind === 'form') {
    for (const key of new Set(body.value.keys())) {
      if (KEY_FIELDS.has(normalizeFieldName(key)))
        continue
      const values = body.value.getAll(key).map(safeText)
      setKey(record, safeText(key), values.length === 1 ? values[0]! : values)
    }
    return record
  }
  const value = body.value
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return safeJson(value, 0)
  for (const [key, item] of Object.entries(value)) {
    if (!KEY_FIELDS.has(normalizeFieldName(key)))
      setKey(record, safeText(key), safeJson(item, 1))
  }
  return record
}
