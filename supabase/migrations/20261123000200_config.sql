-- Configuration an admin edits: business calendars, lead sources, SLA policies, routing rules and
-- their round-robin state, and accounts (company domain -> owner).

create type public.lead_tier as enum ('HOT', 'WARM', 'COLD');
create type public.lead_channel as enum ('web_form', 'phone', 'email', 'event', 'chat', 'third_party', 'ad');
create type public.routing_strategy as enum ('account_owner', 'territory', 'skill', 'round_robin', 'least_loaded');

create table public.business_calendars (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  time_zone text not null check (private.valid_time_zone(time_zone)),
  weekly_hours jsonb not null default '{}' check (private.valid_weekly_hours(weekly_hours)),
  -- Local dates on which the calendar is closed all day.
  holidays date[] not null default '{}',
  always_open boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  unique (id, org_id)
);
alter table public.business_calendars enable row level security;
comment on table public.business_calendars is 'Business hours that SLA clocks and follow-up cadences count in.';
comment on column public.business_calendars.weekly_hours is '{"1":[{"start":"09:00","end":"17:00"}], ...}: keys "0" (Sunday) to "6" (Saturday); windows in local time; "24:00" allowed as an end; an end before the start runs overnight.';

create table public.lead_sources (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- The team whose routing rules (and pool) this source's leads go through.
  team_id uuid,
  name text not null check (length(btrim(name)) between 1 and 200),
  channel public.lead_channel not null,
  -- sha256 of the plain key, lower-case hex. The plain key is shown once when created, never stored.
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  -- The first characters of the plain key, so people can tell keys apart.
  key_prefix text not null check (length(key_prefix) between 4 and 16),
  revoked_at timestamptz,
  allowed_origins text[] not null default '{}',
  default_tier public.lead_tier,
  -- Country used to read phone numbers written without a country code (ISO 3166-1 alpha-2).
  default_country text check (default_country ~ '^[A-Z]{2}$'),
  sla_policy_id uuid,
  thank_you_url text check (thank_you_url ~ '^https?://'),
  -- Acknowledgment sent to the lead; {{first_name}}-style placeholders filled by the ingest function.
  ack_template text,
  rate_limit_per_minute integer not null default 60 check (rate_limit_per_minute between 1 and 100000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  unique (id, org_id),
  foreign key (team_id, org_id) references public.teams (id, org_id) on delete set null (team_id)
);
alter table public.lead_sources enable row level security;
comment on table public.lead_sources is 'Where leads come from; the ingest function authenticates a post by the sha256 of its source key.';
create index lead_sources_org_id_idx on public.lead_sources (org_id);
create index lead_sources_team_id_idx on public.lead_sources (team_id);

create table public.sla_policies (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  tier public.lead_tier not null,
  -- null: the policy for this tier from any source without a policy of its own.
  source_id uuid,
  -- Time to first contact attempt, in business minutes of calendar_id (null calendar: 24/7).
  target_minutes integer not null check (target_minutes between 1 and 525600),
  calendar_id uuid,
  -- Escalation ladder: remind the owner at this share of the window, breach at 100%, move to the
  -- fallback queue at escalate_factor times the window.
  remind_at_pct integer not null default 50 check (remind_at_pct between 1 and 99),
  escalate_factor numeric not null default 2 check (escalate_factor >= 1),
  -- Follow-up cadence: business minutes from attempt n to attempt n+1, and after max_attempts
  -- unanswered attempts the lead goes to nurture. With max_attempts = cardinality + 1 (the
  -- defaults: 3 touches within 5 business days) this is exactly nextAttemptAt() of the TS domain;
  -- a larger max_attempts repeats the last gap.
  cadence_minutes integer[] not null default '{240,1440}'
    check (cardinality(cadence_minutes) > 0 and array_position(cadence_minutes, null) is null and 0 < all (cadence_minutes)),
  max_attempts integer not null default 3 check (max_attempts between 1 and 50),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique nulls not distinct (org_id, tier, source_id),
  unique (id, org_id),
  foreign key (source_id, org_id) references public.lead_sources (id, org_id) on delete cascade,
  foreign key (calendar_id, org_id) references public.business_calendars (id, org_id)
);
alter table public.sla_policies enable row level security;
comment on table public.sla_policies is 'SLA per tier (and optionally per source): target, calendar, escalation ladder and follow-up cadence.';
create index sla_policies_source_id_idx on public.sla_policies (source_id);
create index sla_policies_calendar_id_idx on public.sla_policies (calendar_id);

alter table public.lead_sources
  add foreign key (sla_policy_id, org_id) references public.sla_policies (id, org_id) on delete set null (sla_policy_id);
create index lead_sources_sla_policy_id_idx on public.lead_sources (sla_policy_id);

create table public.routing_rules (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  team_id uuid not null,
  -- Rules are tried in ascending position; the first that matches and finds an eligible rep wins.
  position integer not null,
  name text not null check (length(btrim(name)) between 1 and 200),
  -- Conditions on lead fields, e.g. {"country":["US"],"tier":["HOT"]}; {} matches every lead.
  conditions jsonb not null default '{}' check (jsonb_typeof(conditions) = 'object'),
  strategy public.routing_strategy not null,
  -- Candidates for territory/skill/round_robin/least_loaded; empty means every active team member.
  target_member_ids uuid[] not null default '{}',
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Deferrable so that an admin can swap two positions in one transaction.
  unique (team_id, position) deferrable initially deferred,
  foreign key (team_id, org_id) references public.teams (id, org_id) on delete cascade
);
alter table public.routing_rules enable row level security;
comment on table public.routing_rules is 'Ordered routing rules of a team; a lead nobody eligible can take goes to the team''s fallback queue.';
create index routing_rules_org_id_idx on public.routing_rules (org_id);

create table public.round_robin_state (
  team_id uuid primary key references public.teams (id) on delete cascade,
  last_member_id uuid references public.members (id) on delete set null,
  counter bigint not null default 0,
  updated_at timestamptz not null default now()
);
alter table public.round_robin_state enable row level security;
comment on table public.round_robin_state is 'Where round robin stopped for a team; the ingest function locks the row while it picks.';
create index round_robin_state_last_member_id_idx on public.round_robin_state (last_member_id);

create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- Company web domain, lower case, without "www.", e.g. acme.com.
  domain text not null check (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
  name text,
  owner_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, domain),
  foreign key (owner_id, org_id) references public.members (id, org_id) on delete set null (owner_id)
);
alter table public.accounts enable row level security;
comment on table public.accounts is 'Known companies and their owners, for account-owner routing by lead domain.';
create index accounts_owner_id_idx on public.accounts (owner_id);

create trigger business_calendars_touch_updated_at before update on public.business_calendars
  for each row execute function private.touch_updated_at();
create trigger lead_sources_touch_updated_at before update on public.lead_sources
  for each row execute function private.touch_updated_at();
create trigger sla_policies_touch_updated_at before update on public.sla_policies
  for each row execute function private.touch_updated_at();
create trigger routing_rules_touch_updated_at before update on public.routing_rules
  for each row execute function private.touch_updated_at();
create trigger round_robin_state_touch_updated_at before update on public.round_robin_state
  for each row execute function private.touch_updated_at();
create trigger accounts_touch_updated_at before update on public.accounts
  for each row execute function private.touch_updated_at();
