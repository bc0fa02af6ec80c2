// Which lead source is posting: its key comes in the x-source-key header or, for plain HTML forms
// that cannot set headers, in a `source_key` field. Only the key's sha256 is stored.
import type { Sql } from '../_shared/db/postgres.ts'
import type { Tier } from '../_shared/domain/scoring.ts'
import { IngestError } from './answers.ts'
import { normalizeOrigin } from './cors.ts'
import type { LeadBody } from './request-body.ts'

export interface LeadSource {
  id: string
  org_id: string
  org_name: string
  team_id: string | null
  name: string
  channel: string
  allowed_origins: string[]
  default_tier: Tier | null
  default_country: string | null
  thank_you_url: string | null
  ack_template: string | null
  rate_limit_per_minute: number
  ip_rate_limit_per_minute: number
  /** The organization's scoring rules as stored (null: the defaults); validated when scoring. */
  scoring_rules: unknown
}

const MAX_KEY_LENGTH = 512

export function sourceKeyOf(request: Request, body: LeadBody): string | null {
  const header = request.headers.get('x-source-key')
  if (header !== null && header.trim() !== '')
    return header.trim()
  const field = body.kind === 'form'
    ? body.value.get('source_key')
    : typeof body.value === 'object' && body.value !== null && !Array.isArray(body.value)
      ? Object.getOwnPropertyDescriptor(body.value, 'source_key')?.value as unknown
      : null
  return typeof field === 'string' && field.trim() !== '' ? field.trim() : null
}

export async function sha256Hex(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return Array.from(digest, byte => byte.toString(16).padStart(2, '0')).join('')
}

export interface AuthenticatedPost {
  source: LeadSource
  /** Posts counted in this minute's window so far, this one included: the source's and the client address's. */
  hits: { source: number, ip: number }
}

/**
 * The active source whose key this is, with this post counted against its rate limits in the
 * same statement (one round trip); 401 when the key is missing, unknown or revoked.
 */
export async function authenticateSource(sql: Sql, key: string | null, post: { ip: string, windowStart: Date }): Promise<AuthenticatedPost> {
  if (key === null)
    throw new IngestError(401, 'missing_source_key', 'Send the source key in the x-source-key header or a source_key field')
  const invalid = new IngestError(401, 'invalid_source_key', 'The source key is unknown or has been revoked')
  if (key.length > MAX_KEY_LENGTH)
    throw invalid
  // The source's bucket first, then the address's: concurrent posts lock the counters in one order.
  const [row] = await sql<Array<LeadSource & { source_hits: number, ip_hits: number }>>`
    with source as (
      select s.id, s.org_id, o.name as org_name, s.team_id, s.name, s.channel, s.allowed_origins, s.default_tier,
             s.default_country, s.thank_you_url, s.ack_template, s.rate_limit_per_minute, s.ip_rate_limit_per_minute,
             o.scoring_rules
      from public.lead_sources s
      join public.organizations o on o.id = s.org_id
      where s.key_hash = ${await sha256Hex(key)} and s.revoked_at is null
    ), counted as (
      insert into private.ingest_rate_counters as c (bucket, window_start, hits)
      select b.bucket, ${post.windowStart}, 1
      from source, lateral (values (source.id::text, 1), (source.id::text || '|' || ${post.ip}, 2)) as b (bucket, n)
      order by b.n
      on conflict (bucket, window_start) do update set hits = c.hits + 1
      returning bucket, hits
    )
    select source.*,
           (select hits from counted where bucket = source.id::text) as source_hits,
           (select hits from counted where bucket <> source.id::text) as ip_hits
    from source`
  if (!row)
    throw invalid
  const { source_hits: sourceHits, ip_hits: ipHits, ...source } = row
  return { source, hits: { source: sourceHits, ip: ipHits } }
}

/** Whether any active source lets browsers at `origin` post (a preflight carries no key to tell which). */
export async function someSourceAllows(sql: Sql, origin: string): Promise<boolean> {
  const [row] = await sql<{ allowed: boolean }[]>`
    select exists (
      select 1 from public.lead_sources s, unnest(s.allowed_origins) as allowed
      where s.revoked_at is null and (allowed = '*' or rtrim(lower(btrim(allowed)), '/') = ${normalizeOrigin(origin)})
    ) as allowed`
  return row?.allowed ?? false
}
