// Text from the public internet, made safe to store and show: Unicode is kept, but what PostgreSQL
// refuses (NUL, lone surrogates in jsonb) or what can disguise text (bidi overrides, control
// characters) is removed.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Clean user-supplied text: NFC-normalized, trimmed, controls removed. Single-line text (the
 * default) has every run of whitespace, newlines included, collapsed to one space.
 */
export function cleanText(text: string, options: { multiline?: boolean } = {}): string {
  let clean = text.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '').replace(BIDI_CONTROL, '').normalize('NFC')
  clean = options.multiline
    ? clean.replace(/\r\n?/g, '\n').replace(/[^\S\n]+$/gm, '').replace(/\n{3,}/g, '\n\n')
    : clean.replace(/\s+/gu, ' ')
  return clean.trim()
}

/** At most `max` UTF-16 units, never cutting a surrogate pair in half. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xD800 && last <= 0xDBFF ? cut.slice(0, -1) : cut
}

/**
 * Field names as they arrive from forms and integrations ("First Name", "first-name",
 * "firstName") in one snake_case spelling ("first_name").
 */
export function normalizeFieldName(name: string): string {
  return cleanText(name)
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1_$2')
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_')
}
