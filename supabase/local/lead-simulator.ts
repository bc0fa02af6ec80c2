/**
 * Posts realistic leads to the ingest-lead function at a chosen rate, through the same public
 * endpoint and source key a website form uses, so the rep queue and the manager board move in a
 * demo (`npm start -- --simulate 30`). Some leads come back (same email) to show merging.
 */
import { log } from './log.ts'
import { StartupError } from './preflight.ts'

/** The seeded demo web-form source's plain key (supabase/seed.sql stores only its sha256). */
export const demoSourceKey = 'pronto-demo-web-form-key'

const firstNames = ['Ava', 'Liam', 'Sofia', 'Noah', 'Mia', 'Mateo', 'Zara', 'Ethan', 'Amara', 'Lucas', 'Yuki', 'Omar', 'Chloé', 'Jonas', 'Priya', 'Diego', 'Ingrid', 'Kwame', 'Léa', 'Ravi']
const lastNames = ['Nguyen', 'García', 'Smith', 'Müller', 'Okafor', 'Rossi', 'Tanaka', 'Dubois', 'Kowalski', 'Haddad', 'Johansson', 'Patel', 'Silva', 'Brennan', 'Fischer', 'Moreau']

interface Company { name: string, domain: string, size: string, industry: string }
// The first four are the seeded accounts, so account-owner routing shows up in the demo.
const companies: Company[] = [
  { name: 'Acme Corp', domain: 'acme.com', size: '201-1000', industry: 'Manufacturing' },
  { name: 'Globex', domain: 'globex.com', size: '1001-5000', industry: 'Financial services' },
  { name: 'Initech', domain: 'initech.com', size: '201-1000', industry: 'Software' },
  { name: 'Umbrella UK', domain: 'umbrella.co.uk', size: '5001+', industry: 'Pharma' },
  { name: 'Brightpath', domain: 'brightpath.io', size: '51-200', industry: 'Software' },
  { name: 'Northwind Traders', domain: 'northwind.example', size: '11-50', industry: 'Logistics' },
  { name: 'Bluefin Analytics', domain: 'bluefin.example', size: '51-200', industry: 'Technology' },
  { name: 'Harbor Health', domain: 'harborhealth.example', size: '1001-5000', industry: 'Healthcare' },
  { name: 'Tidewater Media', domain: 'tidewater.example', size: '11-50', industry: 'Media' },
  { name: 'Kettle & Co', domain: 'kettle.example', size: '1-10', industry: 'Retail' },
]

// Fictional-range numbers (X: any digit) that libphonenumber accepts as valid.
const places = [
  { country: 'US', state: 'CA', phone: '+1 415 555 01XX' },
  { country: 'US', state: 'NY', phone: '+1 212 555 01XX' },
  { country: 'US', state: 'TX', phone: '+1 512 555 01XX' },
  { country: 'GB', state: null, phone: '+44 20 7946 0XXX' },
  { country: 'DE', state: null, phone: '+49 30 901820 XX' },
  { country: 'MX', state: null, phone: '+52 55 5555 01XX' },
  { country: 'ES', state: null, phone: '+34 91 555 01XX' },
  { country: 'FR', state: null, phone: '+33 1 55 55 01 XX' },
]
const titles = ['VP of Sales', 'Chief Technology Officer', 'Head of Operations', 'Marketing Manager', 'Data Analyst', 'Founder', 'IT Director', 'Procurement Specialist', 'Student', 'Software Engineer']
const interests = ['analytics', 'billing', 'integrations', 'enterprise', 'smb']
const formTypes = ['Demo request', 'Pricing request', 'Contact us', 'Ebook download', 'Free trial']
const pages = ['/pricing', '/demo', '/customers', '/docs/integrations', '/blog/lead-response', '/security']
const messages = [
  'We are replacing our current tool this quarter, can we see a demo?',
  'What does it cost for a team of 25 reps?',
  'Do you integrate with our CRM?',
  null,
  'Please call me back this afternoon.',
]
const utmSources = ['google', 'linkedin', 'newsletter', 'partner', 'direct']

function pick<T>(items: readonly T[], random: () => number = Math.random): T {
  return items[Math.floor(random() * items.length)]!
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036F]/g, '').toLowerCase().replace(/[^a-z]/g, '')
}

/** One form submission as a website would post it; `rng` makes runs repeatable. */
export function simulatedLead(random: () => number = Math.random): Record<string, string> {
  const any = <T>(items: readonly T[]) => pick(items, random)
  const digits = (template: string) => template.replace(/X/g, () => String(Math.floor(random() * 10)))
  const first = any(firstNames)
  const last = any(lastNames)
  const company = any(companies)
  const place = any(places)
  const lead: Record<string, string> = {
    first_name: first,
    last_name: last,
    email: `${slug(first)}.${slug(last)}${digits('XXXX')}@${company.domain}`,
    company: company.name,
    company_size: company.size,
    industry: company.industry,
    title: any(titles),
    country: place.country,
    product_interest: any(interests),
    form_type: any(formTypes),
    pages_visited: [any(pages), any(pages)].join(','),
    utm_source: any(utmSources),
    consent: 'yes',
  }
  if (place.state)
    lead.state = place.state
  if (random() < 0.8)
    lead.phone = digits(place.phone)
  const message = any(messages)
  if (message)
    lead.message = message
  return lead
}

const MAX_PER_MINUTE = 6000

/** `--simulate <leads per minute>` among the command's arguments, or null when not asked for. */
export function parseSimulateOption(args: readonly string[]): number | null {
  const at = args.indexOf('--simulate')
  if (at < 0)
    return null
  const rate = Number(args[at + 1])
  if (!(rate > 0 && rate <= MAX_PER_MINUTE))
    throw new StartupError(`--simulate takes leads per minute (1-${MAX_PER_MINUTE}), e.g. --simulate 30`)
  return rate
}

export interface SimulatorOptions {
  apiUrl: string
  /** Leads per minute. */
  perMinute: number
  sourceKey?: string
}

export interface LeadSimulator {
  stop: () => Promise<void>
}

/** Starts posting; every post is logged with its answer. Stop it before the stack. */
export function startLeadSimulator(options: SimulatorOptions): LeadSimulator {
  if (!(options.perMinute > 0 && options.perMinute <= MAX_PER_MINUTE))
    throw new Error(`--simulate takes leads per minute between 1 and ${MAX_PER_MINUTE}, not ${options.perMinute}`)
  const url = `${options.apiUrl}/functions/v1/ingest-lead`
  const sent: Array<Record<string, string>> = []
  const inFlight = new Set<Promise<void>>()
  let stopped = false
  let timer: NodeJS.Timeout | undefined

  async function post(): Promise<void> {
    // One lead in ten comes back: same person, new submission.
    const lead = sent.length > 5 && Math.random() < 0.1 ? { ...pick(sent), message: 'Following up on my earlier request.' } : simulatedLead()
    sent.push(lead)
    if (sent.length > 500)
      sent.shift()
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-source-key': options.sourceKey ?? demoSourceKey },
        body: JSON.stringify(lead),
      })
      const answer = await response.json() as { status?: string, assigned_to?: string | null, error?: { message: string } }
      const who = `${lead.first_name} ${lead.last_name} (${lead.company})`
      if (response.ok)
        log.info('simulator', `${who}: ${response.status} ${answer.status}${answer.assigned_to ? ` -> ${answer.assigned_to}` : ''}`)
      else
        log.error('simulator', `${who}: ${response.status} ${answer.error?.message ?? ''}`)
    }
    catch (error) {
      log.error('simulator', `post failed: ${(error as Error).message}`)
    }
  }

  const intervalMs = 60_000 / options.perMinute
  const schedule = () => {
    if (stopped)
      return
    // Poisson-like arrivals: people do not submit forms on a metronome.
    timer = setTimeout(() => {
      const work = post()
      inFlight.add(work)
      void work.finally(() => inFlight.delete(work))
      schedule()
    }, -Math.log(1 - Math.random()) * intervalMs)
  }
  log.info('simulator', `posting about ${options.perMinute} leads a minute to ${url}`)
  schedule()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await Promise.all(inFlight)
    },
  }
}
