// Free text from forms to standard codes: countries to ISO 3166-1 alpha-2 ("Germany" -> "DE"),
// regions to ISO 3166-2 ("California" -> "US-CA") and languages to ISO 639 ("Deutsch" -> "de").
// Territory routing and phone parsing depend on these codes; names stay as typed elsewhere.
import { getCountries } from 'libphonenumber-js'
import { normalizeWords } from './words.ts'

function lookupKey(text: string): string {
  return normalizeWords(text).replace(/^the /, '')
}

const COUNTRY_ALIASES: Record<string, string> = {
  'usa': 'US', 'us': 'US', 'united states of america': 'US', 'america': 'US',
  'uk': 'GB', 'great britain': 'GB', 'britain': 'GB', 'england': 'GB', 'scotland': 'GB', 'wales': 'GB',
  'northern ireland': 'GB', 'deutschland': 'DE', 'holland': 'NL', 'korea': 'KR', 'republic of korea': 'KR',
  'south korea': 'KR', 'czech republic': 'CZ', 'uae': 'AE', 'espana': 'ES', 'brasil': 'BR', 'schweiz': 'CH',
  'suisse': 'CH', 'osterreich': 'AT', 'italia': 'IT', 'nederland': 'NL', 'polska': 'PL', 'turkey': 'TR',
  'russian federation': 'RU', 'viet nam': 'VN', 'ivory coast': 'CI',
}

let countriesByName: Map<string, string> | null = null

function countryNames(): Map<string, string> {
  if (countriesByName) return countriesByName
  const names = new Map<string, string>()
  const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })
  for (const code of getCountries()) {
    const name = english.of(code)
    if (name) names.set(lookupKey(name), code)
  }
  for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) names.set(alias, code)
  countriesByName = names
  return names
}

const supportedCountries = new Set<string>(getCountries())

/** Whether `code` is an ISO 3166-1 alpha-2 code we know (upper case). */
export function isCountryCode(code: string): boolean {
  return supportedCountries.has(code)
}

/** ISO 3166-1 alpha-2 code for a country code or English name ("us", "United Kingdom", "UK"). */
export function countryCode(text: string): string | null {
  const trimmed = text.trim()
  if (/^[a-z]{2}$/i.test(trimmed) && supportedCountries.has(trimmed.toUpperCase())) return trimmed.toUpperCase()
  return countryNames().get(lookupKey(trimmed)) ?? null
}

// Subdivisions whose names forms commonly send instead of codes.
const SUBDIVISIONS: Record<string, Record<string, string>> = {
  US: {
    AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado',
    CT: 'Connecticut', DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii',
    ID: 'Idaho', IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana',
    ME: 'Maine', MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi',
    MO: 'Missouri', MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey',
    NM: 'New Mexico', NY: 'New York', NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma',
    OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota',
    TN: 'Tennessee', TX: 'Texas', UT: 'Utah', VT: 'Vermont', VA: 'Virginia', WA: 'Washington',
    WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming', PR: 'Puerto Rico', GU: 'Guam', VI: 'Virgin Islands',
  },
  CA: {
    AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick', NL: 'Newfoundland and Labrador',
    NS: 'Nova Scotia', NT: 'Northwest Territories', NU: 'Nunavut', ON: 'Ontario', PE: 'Prince Edward Island',
    QC: 'Quebec', SK: 'Saskatchewan', YT: 'Yukon',
  },
  AU: {
    ACT: 'Australian Capital Territory', NSW: 'New South Wales', NT: 'Northern Territory', QLD: 'Queensland',
    SA: 'South Australia', TAS: 'Tasmania', VIC: 'Victoria', WA: 'Western Australia',
  },
}

const subdivisionsByName = new Map<string, string[]>()
for (const [country, regions] of Object.entries(SUBDIVISIONS)) {
  for (const [code, name] of Object.entries(regions)) {
    const key = lookupKey(name)
    subdivisionsByName.set(key, [...(subdivisionsByName.get(key) ?? []), `${country}-${code}`])
  }
}

export interface RegionCode {
  /** ISO 3166-2 code, e.g. "US-CA". */
  code: string
  country: string
}

/**
 * ISO 3166-2 code for a region given as a full code ("US-CA"), as a code within the lead's
 * country ("CA" with country "US") or by name ("California"); the name may imply the country.
 */
export function regionCode(text: string, country: string | null): RegionCode | null {
  const trimmed = text.trim().toUpperCase()
  const full = /^([A-Z]{2})-([A-Z0-9]{1,3})$/.exec(trimmed)
  if (full) {
    if (!supportedCountries.has(full[1]) || (country !== null && full[1] !== country)) return null
    return { code: trimmed, country: full[1] }
  }
  if (country !== null && /^[A-Z0-9]{1,3}$/.test(trimmed)) {
    const known = SUBDIVISIONS[country]
    // Only countries we list are checked; others accept any short code as typed.
    if (known && !Object.hasOwn(known, trimmed)) return null
    return { code: `${country}-${trimmed}`, country }
  }
  const matches = (subdivisionsByName.get(lookupKey(text)) ?? []).filter(code => country === null || code.startsWith(`${country}-`))
  if (matches.length !== 1) return null
  return { code: matches[0], country: matches[0].slice(0, 2) }
}

// Languages reps are commonly matched on; any other valid ISO 639 code is accepted as a code.
const COMMON_LANGUAGES = [
  'af', 'ar', 'bg', 'bn', 'ca', 'cs', 'cy', 'da', 'de', 'el', 'en', 'es', 'et', 'eu', 'fa', 'fi', 'fil', 'fr',
  'ga', 'gl', 'he', 'hi', 'hr', 'hu', 'id', 'is', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'nb', 'nl', 'no', 'pl',
  'pt', 'ro', 'ru', 'sk', 'sl', 'sr', 'sv', 'sw', 'ta', 'te', 'th', 'tl', 'tr', 'uk', 'ur', 'vi', 'zh',
]

const englishLanguageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })
let languagesByName: Map<string, string> | null = null

function languageNames(): Map<string, string> {
  if (languagesByName) return languagesByName
  const names = new Map<string, string>()
  for (const code of COMMON_LANGUAGES) {
    // Both the English name and the language's own name ("German", "Deutsch").
    for (const name of [englishLanguageNames.of(code), new Intl.DisplayNames([code], { type: 'language', fallback: 'none' }).of(code)]) {
      if (name) names.set(lookupKey(name), code)
    }
  }
  languagesByName = names
  return names
}

/** ISO 639 code (lower case, primary subtag only) for a language tag or name: "de-DE", "German". */
export function languageCode(text: string): string | null {
  const trimmed = text.trim()
  const tag = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/i.exec(trimmed)
  if (tag) {
    const primary = tag[1].toLowerCase()
    const known = englishLanguageNames.of(primary)
    if (known !== undefined && known !== primary) return primary
  }
  return languageNames().get(lookupKey(trimmed)) ?? null
}

/**
 * Whether a territory code covers a place: "US" covers the country and all its regions,
 * "US-CA" only that region.
 */
export function territoryCovers(territory: string, country: string | null, region: string | null): boolean {
  const code = territory.trim().toUpperCase()
  if (code.includes('-')) return region !== null && region.toUpperCase() === code
  const place = country ?? region?.slice(0, 2) ?? null
  return place !== null && place.toUpperCase() === code
}
