// An inbound lead as posted by a web form, landing page or webhook (JSON or form fields), checked
// and normalized into one shape. Public endpoints get sent anything, so this never throws: every
// input is either a lead or a message per field.
import type { CountryCode } from 'libphonenumber-js'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { z } from 'zod'
import { companyDomainFromEmail, normalizeDomain } from './domains.ts'
import { countryCode, isCountryCode, languageCode, regionCode } from './locale-codes.ts'
import { cleanText, normalizeFieldName, truncate } from './text.ts'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content', 'id'] as const
export type UtmKey = (typeof UTM_KEYS)[number]

export interface NormalizedLead {
  /** The name as given, or first and last name joined. */
  fullName: string | null
  firstName: string | null
  lastName: string | null
  /** Trimmed and lower-cased. */
  email: string | null
  /** E.164, e.g. "+14155552671". */
  phone: string | null
  company: string | null
  title: string | null
  website: string | null
  /** Company domain from the domain or website field, else from a non-freemail email. */
  domain: string | null
  /** ISO 3166-1 alpha-2. */
  country: string | null
  /** The region or state as typed. */
  region: string | null
  /** ISO 3166-2, e.g. "US-CA", when the region could be recognized. */
  regionCode: string | null
  /** ISO 639 primary language, e.g. "de". */
  language: string | null
  productInterest: string | null
  message: string | null
  /** null when the form did not ask. */
  consent: boolean | null
  utm: Partial<Record<UtmKey, string>>
  /** Every other field, JSON-safe, bounded in size. Unrecognized country/language text lands here too. */
  attributes: Record<string, JsonValue>
  /** Keys that identify the same person across leads of an organization. */
  dedupeKeys: { email: string | null; phone: string | null }
}

export type LeadInputResult =
  | { ok: true; lead: NormalizedLead; isSpam: boolean }
  | { ok: false; fields: Record<string, string> }

export interface LeadInputOptions {
  /** The source's country (ISO alpha-2) for phone numbers without a country code. */
  defaultCountry?: string | null
  /** Extra honeypot field names; a non-empty value marks the lead as spam. */
  honeypotFields?: readonly string[]
  /** Fields to drop entirely (the source key must never be stored). */
  ignoredFields?: readonly string[]
}

export const DEFAULT_HONEYPOT_FIELDS = ['website_url_confirm', '_gotcha'] as const
const ALWAYS_IGNORED = ['source_key']

export const FIELD_LIMITS = {
  name: 200,
  first_name: 100,
  last_name: 100,
  email: 254,
  phone: 40,
  company: 200,
  title: 200,
  website: 2048,
  domain: 253,
  country: 100,
  region: 100,
  language: 50,
  product_interest: 200,
  message: 10_000,
  utm: 500,
} as const

const ATTRIBUTE_LIMITS = { count: 100, keyLength: 100, stringLength: 2000, depth: 4, items: 100 } as const
// More fields than any honest form sends; the rest are not even looked at.
const MAX_FIELDS = 1000

type NamedField =
  | 'name' | 'first_name' | 'last_name' | 'email' | 'phone' | 'company' | 'title' | 'website' | 'domain'
  | 'country' | 'region' | 'language' | 'product_interest' | 'message' | 'consent'
  | `utm_${UtmKey}`

// Spellings seen in the wild, after normalizeFieldName.
const ALIASES: Record<NamedField, readonly string[]> = {
  name: ['name', 'full_name', 'fullname', 'your_name', 'contact_name'],
  first_name: ['first_name', 'firstname', 'fname', 'given_name', 'first'],
  last_name: ['last_name', 'lastname', 'lname', 'surname', 'family_name', 'last'],
  email: ['email', 'email_address', 'e_mail', 'mail', 'your_email', 'work_email', 'business_email'],
  phone: ['phone', 'phone_number', 'telephone', 'tel', 'mobile', 'mobile_phone', 'cell', 'cell_phone', 'your_phone'],
  company: ['company', 'company_name', 'organization', 'organisation', 'org', 'business', 'business_name'],
  title: ['title', 'job_title', 'jobtitle', 'position', 'role', 'job_role'],
  website: ['website', 'url', 'web', 'site', 'company_website', 'homepage', 'website_url'],
  domain: ['domain', 'company_domain'],
  country: ['country', 'country_code', 'countrycode', 'country_name'],
  region: ['region', 'state', 'province', 'state_province', 'state_code', 'region_code'],
  language: ['language', 'lang', 'locale', 'preferred_language'],
  product_interest: ['product_interest', 'product', 'products', 'interest', 'interested_in', 'product_of_interest', 'service'],
  message: ['message', 'comments', 'comment', 'notes', 'note', 'inquiry', 'enquiry', 'question', 'details', 'description'],
  consent: ['consent', 'gdpr_consent', 'marketing_consent', 'opt_in', 'optin'],
  utm_source: ['utm_source'],
  utm_medium: ['utm_medium'],
  utm_campaign: ['utm_campaign'],
  utm_term: ['utm_term'],
  utm_content: ['utm_content'],
  utm_id: ['utm_id'],
}

const FIELD_BY_ALIAS = new Map<string, NamedField>(
  (Object.entries(ALIASES) as Array<[NamedField, readonly string[]]>).flatMap(([field, aliases]) => aliases.map(alias => [alias, field] as const)),
)

// Keys that would reach Object.prototype if ever assigned naively.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isEmptyValue(value: unknown, depth = 0): boolean {
  if (value === undefined || value === null) return true
  if (typeof value === 'string') return cleanText(truncate(value, 10_000)) === ''
  // Bounded: JSON can nest arrays thousands deep.
  if (Array.isArray(value) && depth < 3) return value.every(item => isEmptyValue(item, depth + 1))
  return false
}

/** The value of an own data property; getters are never run. */
function ownValue(record: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(record, key)
  return descriptor && 'value' in descriptor ? descriptor.value : undefined
}

/** [name, value] pairs of a JSON object or form fields; repeated form fields become arrays. */
function readFields(input: unknown): Array<[string, unknown]> | null {
  if (input instanceof URLSearchParams) {
    const grouped = new Map<string, string[]>()
    let count = 0
    for (const [key, value] of input) {
      if ((count += 1) > MAX_FIELDS) break
      grouped.set(key, [...(grouped.get(key) ?? []), value])
    }
    return [...grouped].map(([key, values]) => [key, values.length === 1 ? values[0] : values])
  }
  if (!isPlainObject(input)) return null
  return Object.keys(input)
    .slice(0, MAX_FIELDS)
    .map(key => [key, ownValue(input, key)])
}

/** A JSON-safe copy of an extra field, bounded in depth and size; undefined when nothing is left. */
function toAttribute(value: unknown, depth: number): JsonValue | undefined {
  if (value === null) return null
  switch (typeof value) {
    case 'string':
      return truncate(cleanText(truncate(value, ATTRIBUTE_LIMITS.stringLength * 4), { multiline: true }), ATTRIBUTE_LIMITS.stringLength)
    case 'number':
      return Number.isFinite(value) ? value : undefined
    case 'boolean':
      return value
    default:
      break
  }
  if (depth >= ATTRIBUTE_LIMITS.depth) return undefined
  if (Array.isArray(value)) {
    const items: JsonValue[] = []
    for (const item of value.slice(0, ATTRIBUTE_LIMITS.items)) {
      const clean = toAttribute(item, depth + 1)
      if (clean !== undefined) items.push(clean)
    }
    return items
  }
  if (isPlainObject(value)) {
    return toAttributeRecord(Object.keys(value).slice(0, MAX_FIELDS).map(key => [key, ownValue(value, key)]), depth + 1)
  }
  return undefined
}

function toAttributeRecord(entries: Array<[string, unknown]>, depth: number): Record<string, JsonValue> {
  const record: Record<string, JsonValue> = {}
  let count = 0
  for (const [rawKey, value] of entries) {
    if (count >= ATTRIBUTE_LIMITS.count) break
    const key = truncate(cleanText(rawKey), ATTRIBUTE_LIMITS.keyLength)
    if (key === '' || UNSAFE_KEYS.has(key) || Object.hasOwn(record, key)) continue
    const clean = toAttribute(value, depth)
    if (clean === undefined) continue
    record[key] = clean
    count += 1
  }
  return record
}

// ---- Field checks (zod). Each takes the raw value and yields a clean value or null. ----

type Issue = { code: 'custom'; message: string; input: unknown }

/**
 * A scalar as text. Repeated form fields arrive as arrays: one value is unwrapped; several (a
 * checkbox group) are joined with commas where that makes sense, else refused.
 */
function scalarText(value: unknown, joinMany: boolean): string | null | { error: string } {
  if (Array.isArray(value)) {
    const present = value.filter(item => !isEmptyValue(item))
    if (present.length === 0) return null
    if (present.length > 1 && !joinMany) return { error: 'must be a single value' }
    const parts: string[] = []
    for (const item of present.slice(0, 100)) {
      const text = Array.isArray(item) ? { error: 'must be text' } : scalarText(item, false)
      if (text !== null && typeof text === 'object') return text
      if (text !== null) parts.push(text)
    }
    return parts.join(', ')
  }
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return { error: 'must be text' }
}

function textField(label: string, max: number, options: { multiline?: boolean; single?: boolean } = {}) {
  const { multiline = false, single = false } = options
  return z.unknown().transform((value, ctx): string | null => {
    const text = scalarText(value, !single)
    if (text !== null && typeof text === 'object') {
      ctx.issues.push({ code: 'custom', message: `${label} ${text.error}`, input: value } satisfies Issue)
      return z.NEVER
    }
    if (text === null) return null
    // Bound the work on huge strings before cleaning; anything this long is rejected anyway.
    const clean = cleanText(truncate(text, max * 4 + 64), { multiline })
    if (clean.length > max) {
      ctx.issues.push({ code: 'custom', message: `${label} must be at most ${max} characters`, input: value } satisfies Issue)
      return z.NEVER
    }
    return clean === '' ? null : clean
  })
}

// Dot-atom local part; Unicode letters allowed (RFC 6531) since people type them.
const EMAIL_LOCAL = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u
// Host name characters only: no port, path, query or trailing dot for normalizeDomain to forgive.
const EMAIL_DOMAIN = /^[\p{L}\p{N}\p{M}.-]+$/u

function isValidEmail(email: string): boolean {
  const at = email.lastIndexOf('@')
  if (at < 1) return false
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  return local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain) && !domain.endsWith('.') && normalizeDomain(domain) !== null
}

const emailField = textField('Email', FIELD_LIMITS.email, { single: true }).transform((text, ctx): string | null => {
  if (text === null) return null
  const email = text.toLowerCase()
  if (!isValidEmail(email)) {
    ctx.issues.push({ code: 'custom', message: 'Enter a valid email address', input: text } satisfies Issue)
    return z.NEVER
  }
  return email
})

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1', 'checked', 'agree', 'agreed', 'accepted'])
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0'])

const consentField = z.unknown().transform((value, ctx): boolean | null => {
  const single = Array.isArray(value) && value.length === 1 ? value[0] : value
  if (typeof single === 'boolean') return single
  if (single === undefined || single === null) return null
  if (typeof single === 'number' && (single === 0 || single === 1)) return single === 1
  if (typeof single === 'string') {
    const word = cleanText(single).toLowerCase()
    if (word === '') return null
    if (TRUE_WORDS.has(word)) return true
    if (FALSE_WORDS.has(word)) return false
  }
  ctx.issues.push({ code: 'custom', message: 'Consent must be yes or no', input: value } satisfies Issue)
  return z.NEVER
})

const leadFieldsSchema = z.object({
  name: textField('Name', FIELD_LIMITS.name),
  first_name: textField('First name', FIELD_LIMITS.first_name),
  last_name: textField('Last name', FIELD_LIMITS.last_name),
  email: emailField,
  phone: textField('Phone', FIELD_LIMITS.phone, { single: true }),
  company: textField('Company', FIELD_LIMITS.company),
  title: textField('Title', FIELD_LIMITS.title),
  website: textField('Website', FIELD_LIMITS.website),
  domain: textField('Domain', FIELD_LIMITS.domain),
  country: textField('Country', FIELD_LIMITS.country),
  region: textField('Region', FIELD_LIMITS.region),
  language: textField('Language', FIELD_LIMITS.language),
  product_interest: textField('Product interest', FIELD_LIMITS.product_interest),
  message: textField('Message', FIELD_LIMITS.message, { multiline: true }),
  consent: consentField,
  utm_source: textField('utm_source', FIELD_LIMITS.utm),
  utm_medium: textField('utm_medium', FIELD_LIMITS.utm),
  utm_campaign: textField('utm_campaign', FIELD_LIMITS.utm),
  utm_term: textField('utm_term', FIELD_LIMITS.utm),
  utm_content: textField('utm_content', FIELD_LIMITS.utm),
  utm_id: textField('utm_id', FIELD_LIMITS.utm),
})

type LeadFields = z.output<typeof leadFieldsSchema>

function phoneCountry(country: string | null, fallback: string | null | undefined): CountryCode | undefined {
  if (country !== null && isCountryCode(country)) return country as CountryCode
  const source = fallback?.trim().toUpperCase()
  return source && isCountryCode(source) ? (source as CountryCode) : undefined
}

function parsePhone(text: string, country: CountryCode | undefined): string | { error: string } {
  const parsed = parsePhoneNumberFromString(text, { defaultCountry: country, extract: false })
  if (parsed?.isValid()) return parsed.number
  if (!country && !text.trim().startsWith('+')) return { error: 'Include the country code, e.g. +1 415 555 2671' }
  return { error: 'Enter a valid phone number' }
}

/**
 * Normalize and validate an inbound lead. `input` is a parsed JSON body or the fields of a form
 * post (URLSearchParams or a plain object). A filled honeypot field makes the lead spam; spam is
 * returned as ok with whatever could be read, so that bots get the same answer as people.
 */
export function normalizeLeadInput(input: unknown, options: LeadInputOptions = {}): LeadInputResult {
  const entries = readFields(input)
  if (entries === null) return { ok: false, fields: { payload: 'Send the lead as an object of fields' } }

  const honeypots = new Set([...DEFAULT_HONEYPOT_FIELDS, ...(options.honeypotFields ?? [])].map(normalizeFieldName))
  const ignored = new Set([...ALWAYS_IGNORED, ...(options.ignoredFields ?? [])].map(normalizeFieldName))
  const named = new Map<NamedField, unknown>()
  const extra: Array<[string, unknown]> = []
  let isSpam = false

  const take = (field: NamedField, value: unknown) => {
    // With two spellings of one field, the first non-empty one wins.
    if (!named.has(field) || isEmptyValue(named.get(field))) named.set(field, value)
  }
  for (const [rawKey, value] of entries) {
    const key = normalizeFieldName(truncate(rawKey, 200))
    if (key === '' || UNSAFE_KEYS.has(key) || ignored.has(key)) continue
    if (honeypots.has(key)) {
      isSpam ||= !isEmptyValue(value)
      continue
    }
    const field = FIELD_BY_ALIAS.get(key)
    if (field) take(field, value)
    else if (key === 'utm' && isPlainObject(value)) {
      for (const utmKey of UTM_KEYS) if (Object.hasOwn(value, utmKey)) take(`utm_${utmKey}`, value[utmKey])
    } else extra.push([key, value])
  }

  const raw: Record<string, unknown> = {}
  for (const field of Object.keys(ALIASES)) raw[field] = named.get(field as NamedField)
  const parsed = leadFieldsSchema.safeParse(raw)
  const fieldErrors: Record<string, string> = {}
  let fields: LeadFields
  if (parsed.success) fields = parsed.data
  else {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'payload')
      fieldErrors[key] ??= issue.message
    }
    // Spam still gets an answer like success; keep what parsed cleanly.
    if (!isSpam) return { ok: false, fields: fieldErrors }
    fields = Object.fromEntries(
      Object.keys(ALIASES).map(field => {
        const one = leadFieldsSchema.shape[field as NamedField].safeParse(raw[field])
        return [field, one.success ? one.data : null]
      }),
    ) as LeadFields
  }
  return buildLead(fields, extra, isSpam, options)
}

function buildLead(fields: LeadFields, extra: Array<[string, unknown]>, isSpam: boolean, options: LeadInputOptions): LeadInputResult {
  const errors: Record<string, string> = {}
  const attributes = toAttributeRecord(extra, 0)
  const keepAsAttribute = (key: string, text: string) => {
    if (!Object.hasOwn(attributes, key)) attributes[key] = text
  }

  let country = fields.country === null ? null : countryCode(fields.country)
  if (fields.country !== null && country === null) keepAsAttribute('country', fields.country)
  const region = fields.region === null ? null : regionCode(fields.region, country)
  country ??= region?.country ?? null
  const language = fields.language === null ? null : languageCode(fields.language)
  if (fields.language !== null && language === null) keepAsAttribute('language', fields.language)

  let phone: string | null = null
  if (fields.phone !== null) {
    const result = parsePhone(fields.phone, phoneCountry(country, options.defaultCountry))
    if (typeof result === 'string') phone = result
    else errors.phone = result.error
  }
  if (fields.email === null && fields.phone === null) {
    errors.email = 'Give an email address or a phone number'
    errors.phone = 'Give an email address or a phone number'
  }
  if (Object.keys(errors).length > 0 && !isSpam) return { ok: false, fields: errors }

  const joinedName = [fields.first_name, fields.last_name].filter(Boolean).join(' ')
  const domain
    = (fields.domain !== null ? normalizeDomain(fields.domain) : null)
      ?? (fields.website !== null ? normalizeDomain(fields.website) : null)
      ?? (fields.email !== null ? companyDomainFromEmail(fields.email) : null)
  const utm: Partial<Record<UtmKey, string>> = {}
  for (const key of UTM_KEYS) {
    const value = fields[`utm_${key}`]
    if (value !== null) utm[key] = value
  }

  const lead: NormalizedLead = {
    fullName: fields.name ?? (joinedName === '' ? null : joinedName),
    firstName: fields.first_name,
    lastName: fields.last_name,
    email: fields.email,
    phone,
    company: fields.company,
    title: fields.title,
    website: fields.website,
    domain,
    country,
    region: fields.region,
    regionCode: region?.code ?? null,
    language,
    productInterest: fields.product_interest,
    message: fields.message,
    consent: fields.consent,
    utm,
    attributes,
    dedupeKeys: { email: fields.email, phone },
  }
  return { ok: true, lead, isSpam }
}
