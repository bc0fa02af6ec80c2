// Loose text matching for rules written by people: "V.P. of Sales" contains the phrase "vp",
// "Ingeniería" contains "ingenieria", "/pricing/enterprise" contains "pricing".

/** Lower case, accents and dots dropped, every other run of punctuation or space one space. */
export function normalizeWords(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[.'’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** Whether `text` contains `phrase` as whole words. */
export function containsPhrase(text: string, phrase: string): boolean {
  const needle = normalizeWords(phrase)
  return needle !== '' && ` ${normalizeWords(text)} `.includes(` ${needle} `)
}
