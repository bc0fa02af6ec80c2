// Company domains: from a website or a work email, in one canonical form so that leads, accounts
// and routing rules compare equal ("https://www.Acme.com/pricing" and "bob@acme.com" are both
// "acme.com").

// Mailbox providers whose domain says nothing about the sender's company.
const FREEMAIL = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it',
  'yahoo.co.jp', 'yahoo.com.br', 'ymail.com', 'rocketmail.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr',
  'hotmail.de', 'hotmail.it', 'hotmail.es', 'outlook.com', 'outlook.de', 'outlook.fr', 'live.com', 'live.co.uk',
  'live.de', 'live.fr', 'msn.com', 'aol.com', 'aim.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me',
  'protonmail.com', 'pm.me', 'tutanota.com', 'tuta.io', 'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch',
  'web.de', 't-online.de', 'freenet.de', 'mail.com', 'email.com', 'zoho.com', 'zohomail.com', 'yandex.com',
  'yandex.ru', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'qq.com', '163.com', '126.com',
  'yeah.net', 'sina.com', 'naver.com', 'daum.net', 'hanmail.net', 'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr',
  'laposte.net', 'libero.it', 'virgilio.it', 'alice.it', 'tiscali.it', 'btinternet.com', 'sky.com',
  'virginmedia.com', 'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net',
  'charter.net', 'earthlink.net', 'optonline.net', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'bigpond.com',
  'optusnet.com.au', 'xtra.co.nz', 'rediffmail.com', 'seznam.cz', 'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'duck.com', 'mailbox.org', 'posteo.de', 'hushmail.com', 'inbox.com',
  'uol.com.br', 'bol.com.br', 'terra.com.br', 'hotmail.com.br', 'outlook.com.br',
])

// ASCII (punycode) host names with at least two labels and an alphabetic or IDN top-level label.
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/

/** Whether mail from this domain says nothing about the company (gmail.com, outlook.com, …). */
export function isFreemailDomain(domain: string): boolean {
  return FREEMAIL.has(domain.toLowerCase())
}

/**
 * The canonical company domain of a website, URL, host name or email domain: lower case, punycode,
 * without "www." and without port, path or trailing dot. Null when it is not a public host name.
 */
export function normalizeDomain(text: string): string | null {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === '' || trimmed.length > 2048 || /\s/.test(trimmed)) return null
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`
  let host: string
  try {
    const url = new URL(withScheme)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    host = url.hostname
  } catch {
    return null
  }
  host = host.replace(/\.$/, '').replace(/^www\d*\./, '')
  return HOST_NAME.test(host) ? host : null
}

/** The company domain of an email address; null for freemail providers and malformed addresses. */
export function companyDomainFromEmail(email: string): string | null {
  const at = email.lastIndexOf('@')
  if (at < 1) return null
  const domain = normalizeDomain(email.slice(at + 1))
  return domain !== null && !isFreemailDomain(domain) ? domain : null
}

/**
 * The domain and its parents down to two labels, most specific first, for matching a lead's
 * domain against accounts: "eu.acme.com" -> ["eu.acme.com", "acme.com"].
 */
export function domainAndParents(domain: string): string[] {
  const labels = domain.toLowerCase().split('.').filter(Boolean)
  const result: string[] = []
  for (let i = 0; i <= labels.length - 2; i += 1) result.push(labels.slice(i).join('.'))
  return result
}
