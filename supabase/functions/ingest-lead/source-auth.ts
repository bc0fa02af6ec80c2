// Which lead source is posting: its key comes in the x-source-key header or, for plain HTML forms
// that cannot set headers, in a `source_key` field. Only the key's sha256 is stored.
import type { Sql } from '../_shared/db/postgres.ts'
import type { Tier } from '../_shared/domain/scoring.ts'
import { IngestError } from './answers.ts'
import { normalizeOrigin } from './cors.ts'
import type { StoredAnswer } from './idempotency.ts'
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
  /**
   * Posts counted in this minute's window so far, this one included: the source's and the client
   * address's; null when the post is a replay, which is not counted.
   */
  hits: { source: number, ip: number } | null
  /** The stored first answer when this post repeats an Idempotency-Key and body within the window. */
  replay: StoredAnswer | null
}

export interface PostContext {
  ip: string
  windowStart: Date
  /** The post's Idempotency-Key, its body's hash and the oldest stored answer that still counts. */
  idempotency: { key: string, requestHash: string, notBefore: Date } | null
}

/**
 * The active source whose key this is, with this post counted against its rate limits in the
 * same statement (one round trip); 401 when the key is missing, unknown or revoked. A retry with
 * an Idempotency-Key whose answer is stored gets that answer back and is not counted: replays
 * must not use up the rate a client's real posts need.
 */
export async function authenticateSource(sql: Sql, key: string | null, post: PostContext): Promise<AuthenticatedPost> {
  if (key === null)
    throw new IngestError(401, 'missing_source_key', 'Send the source key in the x-source-key header or a source_key field')
  const invalid = new IngestError(401, 'invalid_source_key', 'The source key is unknown or has been revoked')
  if (key.length > MAX_KEY_LENGTH)
    throw invalid
  const replayKey = post.idempotency?.key ?? null
  // The source's bucket first, then the address's: concurrent posts lock the counters in one order.
  const [row] = await sql<Array<LeadSource & { source_hits: number | null, ip_hits: number | null, replay_status: number | null, replay_body: Record<string, unknown> | null }>>`
    with source as (
      -- allowed_origins as JSON: postgres.js now and then hands a text[] back unparsed (a string)
      -- on a pooled connection, and the origin check must never see that.
      select s.id, s.org_id, o.name as org_name, s.team_id, s.name, s.channel, to_jsonb(s.allowed_origins) as allowed_origins, s.default_tier,
             s.default_country, s.thank_you_url, s.ack_template, s.rate_limit_per_minute, s.ip_rate_limit_per_minute,
             o.scoring_rules
      from public.lead_sources s
      join public.organizations o on o.id = s.org_id
      where s.key_hash = ${await sha256Hex(key)} and s.revoked_at is null
    ), replay as (
      select r.response_status, r.response_body
      from source join public.ingest_requests r on r.source_id = source.id
      where r.idempotency_key = ${replayKey}::text and r.request_hash = ${post.idempotency?.requestHash ?? null}::text
        and r.response_status is not null and r.created_at >= ${post.idempotency?.notBefore ?? null}::timestamptz
    ), counted as (
      insert into private.ingest_rate_counters as c (bucket, window_start, hits)
      select b.bucket, ${post.windowStart}, 1
      from source, lateral (values (source.id::text, 1), (source.id::text || '|' || ${post.ip}, 2)) as b (bucket, n)
      where not exists (select from replay)
      order by b.n
      on conflict (bucket, window_start) do update set hits = c.hits + 1
      returning bucket, hits
    )
    select source.*,
           (select hits from counted where bucket = source.id::text) as source_hits,
           (select hits from counted where bucket <> source.id::text) as ip_hits,
           (select response_status from replay) as replay_status,
           (select response_body from replay) as replay_body
    from source`
  if (!row)
    throw invalid
  const { source_hits: sourceHits, ip_hits: ipHits, replay_status: replayStatus, replay_body: replayBody, ...source } = row
  return {
    source,
    hits: sourceHits === null || ipHits === null ? null : { source: sourceHits, ip: ipHits },
    replay: replayStatus === null || replayBody === null ? null : { status: replayStatus, body: replayBody },
  }
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
