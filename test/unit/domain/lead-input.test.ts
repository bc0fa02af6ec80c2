import type { LeadInputResult, NormalizedLead } from '@domain/lead-input.ts'
import { FIELD_LIMITS, normalizeLeadInput } from '@domain/lead-input.ts'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

function lead(input: unknown, options = {}): NormalizedLead {
  const result = normalizeLeadInput(input, options)
  if (!result.ok) throw new Error(`expected a lead, got ${JSON.stringify(result.fields)}`)
  return result.lead
}

function fields(input: unknown, options = {}): Record<string, string> {
  const result = normalizeLeadInput(input, options)
  if (result.ok) throw new Error(`expected field errors, got ${JSON.stringify(result.lead)}`)
  return result.fields
}

describe('names and text', () => {
  it('accepts a full name, or first and last name, trimmed with Unicode kept', () => {
    expect(lead({ name: '  José  Álvarez ', email: 'j@x.es' }).fullName).toBe('José Álvarez')
    const split = lead({ first_name: ' 李 ', last_name: '小龙', email: 'l@x.cn' })
    expect([split.firstName, split.lastName, split.fullName]).toEqual(['李', '小龙', '李 小龙'])
  })

  it('understands common spellings of field names', () => {
    const result = lead({ 'First Name': 'Ann', 'lastName': 'Lee', 'Email-Address': 'ann@lee.io', 'Job Title': 'CTO', 'companyName': 'Lee Co', 'Interested In': 'Payroll', 'Comments': 'Call me' })
    expect(result).toMatchObject({ firstName: 'Ann', lastName: 'Lee', email: 'ann@lee.io', title: 'CTO', company: 'Lee Co', productInterest: 'Payroll', message: 'Call me' })
  })

  it('normalizes to NFC and removes control and bidi characters but keeps emoji', () => {
    const result = lead({ name: 'Zoe\u0301\u0000 \u202Eevil\u202C 🚀', email: 'z@x.io' })
    expect(result.fullName).toBe('Zoé evil 🚀')
  })

  it('keeps line breaks in the message but not in single-line fields', () => {
    const result = lead({ company: 'Acme\nInc', message: ' Hi,\r\n\r\n\r\n\r\nplease call. ', email: 'a@acme.io' })
    expect(result.company).toBe('Acme Inc')
    expect(result.message).toBe('Hi,\n\nplease call.')
  })

  it('replaces lone surrogates, which PostgreSQL jsonb refuses', () => {
    const result = lead({ name: 'bad\uD800pair', email: 'a@b.io', extra: 'x\uDC00' })
    expect(result.fullName).toBe('bad\uFFFDpair')
    expect(result.attributes.extra).toBe('x\uFFFD')
  })

  it('refuses text over its length limit with a message naming the field', () => {
    expect(fields({ name: 'a'.repeat(FIELD_LIMITS.name + 1), email: 'a@b.io' })).toEqual({ name: 'Name must be at most 200 characters' })
    expect(lead({ name: 'a'.repeat(FIELD_LIMITS.name), email: 'a@b.io' }).fullName).toHaveLength(200)
    expect(fields({ message: 'x'.repeat(1_000_000), email: 'a@b.io' }).message).toMatch(/at most 10000/)
  })

  it('refuses objects where text is expected', () => {
    expect(fields({ company: { nested: true }, email: 'a@b.io' })).toEqual({ company: 'Company must be text' })
    expect(fields({ title: true, email: 'a@b.io' })).toEqual({ title: 'Title must be text' })
  })

  it('accepts numbers as text', () => {
    expect(lead({ company: 3, email: 'a@b.io' }).company).toBe('3')
  })

  it('treats empty and whitespace-only values as missing', () => {
    const result = lead({ name: '   ', company: '', title: null, email: 'a@b.io' })
    expect([result.fullName, result.company, result.title]).toEqual([null, null, null])
  })
})

describe('email', () => {
  it('trims and lower-cases', () => {
    expect(lead({ email: '  Ann.Lee+Leads@Example.COM ' }).email).toBe('ann.lee+leads@example.com')
  })

  it('accepts international addresses', () => {
    expect(lead({ email: 'JOSÉ@Empresa.es' }).email).toBe('josé@empresa.es')
    expect(lead({ email: 'info@münchen.de' }).email).toBe('info@münchen.de')
  })

  it.each([
    'plainaddress', '@example.com', 'a@', 'a@b', 'a b@c.de', 'a..b@c.de', '.a@c.de', 'a.@c.de', 'a@-c.de',
    'a@c.de.', 'a@c.de/path', 'a@c.de:25', 'a@localhost', 'a@127.0.0.1', '"quoted"@c.de', 'a@c..de',
  ])('rejects %s', email => {
    expect(fields({ email })).toEqual({ email: 'Enter a valid email address' })
  })

  it('refuses two different emails in one field', () => {
    expect(fields(new URLSearchParams('email=a%40b.io&email=c%40d.io'))).toEqual({ email: 'Email must be a single value' })
  })
})

describe('phone', () => {
  it('parses to E.164 with the lead\'s country', () => {
    expect(lead({ phone: '030 1234567', country: 'DE' }).phone).toBe('+49301234567')
    expect(lead({ phone: '(020) 7946 0958', country: 'United Kingdom' }).phone).toBe('+442079460958')
  })

  it('falls back to the source\'s default country', () => {
    expect(lead({ phone: '(415) 555-2671' }, { defaultCountry: 'US' }).phone).toBe('+14155552671')
    // The lead's own country wins over the source's.
    expect(lead({ phone: '0151 23456789', country: 'de' }, { defaultCountry: 'US' }).phone).toBe('+4915123456789')
  })

  it('keeps international numbers whatever the country', () => {
    expect(lead({ phone: '+44 20 7946 0958', country: 'US' }).phone).toBe('+442079460958')
    expect(lead({ phone: 4155552671 }, { defaultCountry: 'US' }).phone).toBe('+14155552671')
  })

  it('asks for a country code when it cannot tell', () => {
    expect(fields({ phone: '415 555 2671' })).toEqual({ phone: 'Include the country code, e.g. +1 415 555 2671' })
  })

  it.each(['123', 'call me', '+999 1234', '555-0100', '+1 415 555 2671 9999 9999'])('rejects %s', phone => {
    expect(fields({ phone }, { defaultCountry: 'US' })).toEqual({ phone: 'Enter a valid phone number' })
  })
})

describe('contact requirement', () => {
  it('needs an email or a phone', () => {
    const message = 'Give an email address or a phone number'
    expect(fields({ name: 'Ann' })).toEqual({ email: message, phone: message })
    expect(fields({})).toEqual({ email: message, phone: message })
    expect(lead({ phone: '+14155552671' }).email).toBeNull()
    expect(lead({ email: 'a@b.io' }).phone).toBeNull()
  })

  it('reports every bad field at once', () => {
    expect(Object.keys(fields({ email: 'nope', company: {}, consent: 'maybe' })).sort()).toEqual(['company', 'consent', 'email'])
  })
})

describe('company domain', () => {
  it('comes from the domain or website field first', () => {
    expect(lead({ website: 'https://www.Acme.com/pricing?x=1', email: 'bob@other.io' }).domain).toBe('acme.com')
    expect(lead({ domain: 'WWW.acme.co.uk', website: 'https://acme.com', email: 'bob@acme.io' }).domain).toBe('acme.co.uk')
    expect(lead({ website: 'acme.com', email: 'bob@gmail.com' }).domain).toBe('acme.com')
  })

  it('comes from a work email, never a freemail one', () => {
    expect(lead({ email: 'bob@eu.acme.com' }).domain).toBe('eu.acme.com')
    expect(lead({ email: 'bob@gmail.com' }).domain).toBeNull()
    expect(lead({ email: 'bob@outlook.com', website: 'not a site' }).domain).toBeNull()
  })

  it('keeps an unreadable website as text', () => {
    const result = lead({ website: 'ftp://files', email: 'a@gmail.com' })
    expect([result.website, result.domain]).toEqual(['ftp://files', null])
  })
})

describe('country, region and language', () => {
  it('turns names and codes into ISO codes', () => {
    expect(lead({ email: 'a@b.io', country: 'us', state: 'CA' })).toMatchObject({ country: 'US', region: 'CA', regionCode: 'US-CA' })
    expect(lead({ email: 'a@b.io', country: 'USA', state: 'California' })).toMatchObject({ country: 'US', regionCode: 'US-CA' })
    expect(lead({ email: 'a@b.io', region: 'US-NY' })).toMatchObject({ country: 'US', regionCode: 'US-NY' })
    expect(lead({ email: 'a@b.io', province: 'Québec' })).toMatchObject({ country: 'CA', regionCode: 'CA-QC' })
    expect(lead({ email: 'a@b.io', language: 'de-DE' }).language).toBe('de')
    expect(lead({ email: 'a@b.io', language: 'Deutsch' }).language).toBe('de')
    expect(lead({ email: 'a@b.io', locale: 'pt_BR' }).language).toBe('pt')
  })

  it('keeps what it cannot recognize in attributes instead of failing the lead', () => {
    const result = lead({ email: 'a@b.io', country: 'Narnia', language: 'Elvish', region: 'Shire' })
    expect(result).toMatchObject({ country: null, language: null, region: 'Shire', regionCode: null })
    expect(result.attributes).toMatchObject({ country: 'Narnia', language: 'Elvish' })
  })

  it('refuses a region code of another country', () => {
    expect(lead({ email: 'a@b.io', country: 'DE', region: 'US-CA' }).regionCode).toBeNull()
    expect(lead({ email: 'a@b.io', country: 'US', region: 'ZZ' }).regionCode).toBeNull()
  })
})

describe('consent, UTM and other fields', () => {
  it.each([
    [true, true], ['on', true], ['Yes', true], ['1', true], [1, true],
    [false, false], ['no', false], ['0', false], [0, false], ['', null], [undefined, null],
  ])('reads consent %j as %j', (consent, expected) => {
    expect(lead({ email: 'a@b.io', consent }).consent).toBe(expected)
  })

  it('refuses consent it cannot read', () => {
    expect(fields({ email: 'a@b.io', consent: 'maybe' })).toEqual({ consent: 'Consent must be yes or no' })
  })

  it('collects UTM fields, flat or nested', () => {
    expect(lead({ email: 'a@b.io', utm_source: 'google', UTM_Medium: 'cpc', utm_campaign: ' spring ' }).utm).toEqual({ source: 'google', medium: 'cpc', campaign: 'spring' })
    expect(lead({ email: 'a@b.io', utm: { source: 'newsletter', term: 'crm', bogus: 'x' } }).utm).toEqual({ source: 'newsletter', term: 'crm' })
  })

  it('keeps any other field as a JSON-safe attribute', () => {
    const result = lead({ email: 'a@b.io', 'Company Size': '51-200', 'pages_visited': ['/pricing', '/demo'], 'score': 7, 'ok': true, 'when': null, 'fn': undefined, 'inf': Number.POSITIVE_INFINITY })
    expect(result.attributes).toEqual({ company_size: '51-200', pages_visited: ['/pricing', '/demo'], score: 7, ok: true, when: null })
  })

  it('joins a checkbox group into one product interest', () => {
    expect(lead(new URLSearchParams('email=a%40b.io&interest=Payroll&interest=HR')).productInterest).toBe('Payroll, HR')
  })

  it('never stores the source key', () => {
    const result = lead(new URLSearchParams('email=a%40b.io&source_key=sk_live_secret'))
    expect(JSON.stringify(result)).not.toContain('sk_live_secret')
  })

  it('bounds attributes in count, depth and size', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field_${i}`, i]))
    expect(Object.keys(lead({ email: 'a@b.io', ...many }).attributes)).toHaveLength(100)
    const deep = JSON.parse(`{"email":"a@b.io","deep":${'['.repeat(5000)}1${']'.repeat(5000)}}`)
    expect(JSON.stringify(lead(deep).attributes.deep)).toBe('[[[[]]]]')
    expect((lead({ email: 'a@b.io', big: 'x'.repeat(100_000) }).attributes.big as string).length).toBe(2000)
  })
})

describe('hostile keys', () => {
  it('drops __proto__, constructor and prototype keys and never pollutes Object.prototype', () => {
    const body = JSON.parse('{"email":"a@b.io","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"nested":{"__proto__":{"polluted":"yes"},"fine":1}}')
    const result = lead(body)
    expect(Object.keys(result.attributes)).toEqual(['nested'])
    expect(result.attributes.nested).toEqual({ fine: 1 })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(result.attributes)).toBe(Object.prototype)
  })

  it('never runs getters', () => {
    const input = { email: 'a@b.io' }
    Object.defineProperty(input, 'trap', { enumerable: true, get: () => { throw new Error('getter ran') } })
    expect(lead(input).attributes).toEqual({})
  })

  it('refuses bodies that are not objects of fields', () => {
    for (const input of [null, undefined, 'email=a@b.io', 42, [{ email: 'a@b.io' }], new Date(), new Map([['email', 'a@b.io']])]) {
      expect(normalizeLeadInput(input)).toEqual({ ok: false, fields: { payload: 'Send the lead as an object of fields' } })
    }
  })
})

describe('honeypot', () => {
  it('marks a filled honeypot as spam but still answers ok', () => {
    expect(normalizeLeadInput({ email: 'a@b.io', website_url_confirm: 'http://spam' })).toMatchObject({ ok: true, isSpam: true })
    expect(normalizeLeadInput(new URLSearchParams('email=a%40b.io&_gotcha=x'))).toMatchObject({ ok: true, isSpam: true })
    expect(normalizeLeadInput({ email: 'a@b.io', my_trap: 'x' }, { honeypotFields: ['my_trap'] })).toMatchObject({ ok: true, isSpam: true })
  })

  it('answers ok even when the bot sent nothing valid, so it learns nothing', () => {
    const result = normalizeLeadInput({ email: 'not-an-email', company: {}, _gotcha: 'x' })
    expect(result).toMatchObject({ ok: true, isSpam: true })
    expect(result.ok && result.lead.email).toBeNull()
  })

  it('ignores an empty honeypot and does not keep it as an attribute', () => {
    const result = normalizeLeadInput({ email: 'a@b.io', _gotcha: '', website_url_confirm: '  ' })
    expect(result).toMatchObject({ ok: true, isSpam: false })
    expect(result.ok && result.lead.attributes).toEqual({})
  })
})

describe('dedupe keys', () => {
  it('are the lower-cased email and the E.164 phone', () => {
    expect(lead({ email: ' Ann@Acme.COM', phone: '+1 (415) 555-2671' }).dedupeKeys).toEqual({ email: 'ann@acme.com', phone: '+14155552671' })
    expect(lead({ phone: '(415) 555 2671' }, { defaultCountry: 'US' }).dedupeKeys).toEqual({ email: null, phone: '+14155552671' })
  })
})

// ---- Fuzzing: any input gives a defined, storable answer. ----

const knownKeys = [
  'name', 'first_name', 'First Name', 'lastName', 'email', 'Email', 'phone', 'tel', 'company', 'title', 'website',
  'domain', 'country', 'state', 'region', 'language', 'product_interest', 'message', 'consent', 'utm_source', 'utm',
  '_gotcha', 'website_url_confirm', 'source_key', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '',
]

const nastyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\u202E', ' ', '\r\n', 'a'.repeat(70_000), '+1 415 555 2671', '0', 'true'),
  fc.emailAddress(),
  fc.webUrl(),
)

const value: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withBoxedValues: true }),
  fc.array(nastyString, { maxLength: 3 }),
)

const body: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...knownKeys), fc.string()), value, { maxKeys: 12 }),
  fc.jsonValue().map(json => JSON.parse(JSON.stringify(json)) as unknown),
  fc.anything(),
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...knownKeys), fc.string()), nastyString), { maxLength: 12 }).map(pairs => new URLSearchParams(pairs)),
)

// What PostgreSQL would refuse in text or jsonb.
// eslint-disable-next-line no-control-regex -- NUL is exactly what we look for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function checkAnswer(result: LeadInputResult): void {
  if (result.ok) {
    const text = JSON.stringify(result.lead)
    expect(UNSTORABLE.test(text)).toBe(false)
    // Round-trips through JSON unchanged: no undefined, NaN, Dates or class instances inside.
    expect(JSON.parse(text)).toEqual(result.lead)
    if (!result.isSpam) expect(result.lead.email !== null || result.lead.phone !== null).toBe(true)
    if (result.lead.phone !== null) expect(result.lead.phone).toMatch(/^\+[1-9]\d{6,14}$/)
    if (result.lead.email !== null) expect(result.lead.email).toBe(result.lead.email.trim().toLowerCase())
  } else {
    const entries = Object.entries(result.fields)
    expect(entries.length).toBeGreaterThan(0)
    for (const [key, message] of entries) {
      expect(typeof key).toBe('string')
      expect(typeof message).toBe('string')
      expect(message.length).toBeGreaterThan(0)
    }
  }
}

describe('fuzz', () => {
  it('never throws and always answers a lead or a message per field', () => {
    fc.assert(
      fc.property(body, fc.option(fc.constantFrom('US', 'DE', 'GB', 'xx', '')), (input, defaultCountry) => {
        checkAnswer(normalizeLeadInput(input, { defaultCountry }))
      }),
      { numRuns: 3000 },
    )
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  }, 120_000)

  it('accepts well-formed leads and keeps their email', () => {
    fc.assert(
      fc.property(
        fc.record({ name: fc.string({ unit: 'grapheme', maxLength: 50 }), email: fc.emailAddress({ size: 'small' }) }),
        input => {
          const result = normalizeLeadInput(input)
          checkAnswer(result)
          expect(result.ok).toBe(true)
          expect(result.ok && result.lead.email).toBe(input.email.toLowerCase())
        },
      ),
      { numRuns: 500 },
    )
  }, 60_000)
})
