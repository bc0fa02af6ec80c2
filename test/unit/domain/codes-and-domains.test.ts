import { companyDomainFromEmail, domainAndParents, isFreemailDomain, normalizeDomain } from '@domain/domains.ts'
import { countryCode, languageCode, regionCode, territoryCovers } from '@domain/locale-codes.ts'
import { cleanText, normalizeFieldName, truncate } from '@domain/text.ts'
import { containsPhrase } from '@domain/words.ts'
import { dayFromIsoDate, isoDateOf, weekdayOf } from '@domain/zoned-time.ts'
import { describe, expect, it } from 'vitest'

describe('domains', () => {
  it.each([
    ['https://www.Acme.com/pricing?x=1', 'acme.com'],
    ['acme.com', 'acme.com'],
    ['ACME.COM.', 'acme.com'],
    ['http://www2.acme.co.uk:8080/x', 'acme.co.uk'],
    ['shop.acme.com', 'shop.acme.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['localhost', null],
    ['192.168.1.1', null],
    ['ftp://acme.com', null],
    ['not a domain', null],
    ['', null],
  ])('normalizes %s to %s', (text, expected) => {
    expect(normalizeDomain(text)).toBe(expected)
  })

  it('tells freemail from company mail', () => {
    expect(isFreemailDomain('GMAIL.com')).toBe(true)
    expect(companyDomainFromEmail('ann@gmail.com')).toBeNull()
    expect(companyDomainFromEmail('ann@Acme.io')).toBe('acme.io')
    expect(companyDomainFromEmail('no-at-sign')).toBeNull()
  })

  it('lists a domain and its parents down to two labels', () => {
    expect(domainAndParents('a.b.acme.com')).toEqual(['a.b.acme.com', 'b.acme.com', 'acme.com'])
    expect(domainAndParents('acme.com')).toEqual(['acme.com'])
  })
})

describe('locale codes', () => {
  it.each([
    ['us', 'US'], ['USA', 'US'], ['United States', 'US'], ['the Netherlands', 'NL'], ['UK', 'GB'],
    ['Deutschland', 'DE'], ['Côte d’Ivoire', 'CI'], ['Japan', 'JP'], ['Atlantis', null], ['XX', null],
  ])('reads country %s as %s', (text, expected) => {
    expect(countryCode(text)).toBe(expected)
  })

  it('reads regions as codes, local codes or names', () => {
    expect(regionCode('US-CA', null)).toEqual({ code: 'US-CA', country: 'US' })
    expect(regionCode('ca', 'US')).toEqual({ code: 'US-CA', country: 'US' })
    expect(regionCode('ON', 'CA')).toEqual({ code: 'CA-ON', country: 'CA' })
    expect(regionCode('New South Wales', null)).toEqual({ code: 'AU-NSW', country: 'AU' })
    expect(regionCode('BY', 'DE')).toEqual({ code: 'DE-BY', country: 'DE' })
    expect(regionCode('Georgia', null)).toEqual({ code: 'US-GA', country: 'US' })
    expect(regionCode('XX', 'US')).toBeNull()
    expect(regionCode('Somewhere', null)).toBeNull()
  })

  it.each([['en-US', 'en'], ['DE', 'de'], ['German', 'de'], ['español', 'es'], ['Japanese', 'ja'], ['zz', null], ['Klingon', null]])(
    'reads language %s as %s',
    (text, expected) => {
      expect(languageCode(text)).toBe(expected)
    },
  )

  it('lets a country territory cover its regions but not the other way round', () => {
    expect(territoryCovers('US', 'US', 'US-CA')).toBe(true)
    expect(territoryCovers('US', null, 'US-CA')).toBe(true)
    expect(territoryCovers('us-ca', 'US', 'US-CA')).toBe(true)
    expect(territoryCovers('US-CA', 'US', null)).toBe(false)
    expect(territoryCovers('US-CA', 'US', 'US-NY')).toBe(false)
    expect(territoryCovers('DE', 'US', null)).toBe(false)
  })
})

describe('text and words', () => {
  it('cleans and truncates without splitting surrogate pairs', () => {
    expect(cleanText('  a\u0000b\t c  ')).toBe('ab c')
    expect(truncate('ab🚀', 3)).toBe('ab')
    expect(truncate('ab🚀', 4)).toBe('ab🚀')
  })

  it('normalizes field names to snake_case', () => {
    expect(['First Name', 'firstName', 'first-name', 'E-Mail', 'utm.source', ' _gotcha '].map(normalizeFieldName))
      .toEqual(['first_name', 'first_name', 'first_name', 'e_mail', 'utm_source', '_gotcha'])
  })

  it('matches whole words, ignoring case, accents and dots', () => {
    expect(containsPhrase('V.P. Sales', 'vp')).toBe(true)
    expect(containsPhrase('Ingeniería', 'ingenieria')).toBe(true)
    expect(containsPhrase('Directory', 'director')).toBe(false)
    expect(containsPhrase('anything', '')).toBe(false)
  })
})

describe('calendar days', () => {
  it('reads only real dates and knows their weekdays', () => {
    expect(dayFromIsoDate('2024-02-29')).not.toBeNull()
    expect(dayFromIsoDate('2025-02-29')).toBeNull()
    expect(dayFromIsoDate('2025-1-01')).toBeNull()
    const day = dayFromIsoDate('2025-06-03') as number
    expect(isoDateOf(day)).toBe('2025-06-03')
    expect(weekdayOf(day)).toBe(2)
    expect(weekdayOf(dayFromIsoDate('1969-12-28') as number)).toBe(0)
  })
})
