-- Rate limits of the ingest-lead function, kept in the database so that they hold across however
-- many function instances serve the endpoint: a fixed one-minute window per source and per
-- (source, client IP), counted with one upsert per request.

alter table public.lead_sources
  add column ip_rate_limit_per_minute integer not null default 30 check (ip_rate_limit_per_minute between 1 and 100000);
comment on column public.lead_sources.ip_rate_limit_per_minute is
  'Posts per minute one client IP may make to this source (a visitor re-submitting a form); raise it for server-to-server webhooks that post every lead from one address.';

grant select (ip_rate_limit_per_minute), insert (ip_rate_limit_per_minute), update (ip_rate_limit_per_minute)
  on public.lead_sources to authenticated;

-- Unlogged: counters are worth nothing after a crash, and skipping the WAL keeps the hot rows cheap.
create unlogged table private.ingest_rate_counters (
  -- '<source id>' or '<source id>|<client ip>'
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  primary key (bucket, window_start)
);
comment on table private.ingest_rate_counters is 'Requests per bucket and one-minute window, counted by the ingest-lead function; windows older than a few minutes are pruned by it.';
create index ingest_rate_counters_window_idx on private.ingest_rate_counters (window_start);
