-- Leads, their append-only event trail, call outcomes (dispositions), acknowledgments queued for
-- leads and the ingest function's idempotency records.

create type public.lead_status as enum
  ('new', 'assigned', 'attempting', 'contacted', 'qualified', 'converted', 'disqualified', 'nurture');
create type public.sla_state as enum ('none', 'running', 'met', 'breached', 'escalated');
create type public.lead_event_type as enum (
  'created', 'merged', 're_engaged', 'scored', 'routed', 'assigned', 'reassigned', 'unassigned',
  'fallback_queued', 'reminded', 'breached', 'escalated', 'push_pending', 'push_sent', 'push_failed',
  'nudged', 'contact_attempted', 'disposition', 'status_changed', 'callback_scheduled', 'ack_queued',
  'spam_flagged', 'note'
);
create type public.disposition_outcome as enum (
  'connected', 'no_answer', 'voicemail', 'wrong_number', 'bad_number', 'not_interested', 'callback',
  'meeting_booked', 'qualified', 'disqualified'
);
create type public.contact_channel as enum ('phone', 'sms', 'email', 'chat', 'video', 'in_person', 'other');
create type public.outbound_channel as enum ('email', 'sms');
create type public.outbound_status as enum ('queued', 'sending', 'sent', 'failed', 'cancelled');

create table public.leads (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  source_id uuid,
  team_id uuid,

  -- Contact, normalized by the ingest function.
  email text check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$'),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  first_name text,
  last_name text,
  full_name text,
  company text,
  domain text check (domain = lower(domain)),
  title text,
  industry text,
  company_size text,
  country text check (country ~ '^[A-Z]{2}$'),
  -- ISO 3166-2 subdivision where known, e.g. 'US-CA'.
  region text,
  product_interest text,
  language text,
  message text,
  utm jsonb not null default '{}' check (jsonb_typeof(utm) = 'object'),
  attributes jsonb not null default '{}' check (jsonb_typeof(attributes) = 'object'),
  raw_payload jsonb not null default '{}',
  consent boolean not null default false,

  score integer not null default 0 check (score between 0 and 100),
  score_explanation jsonb not null default '{}',
  tier public.lead_tier not null default 'COLD',

  -- Lifecycle: see public.lead_status_transitions.
  status public.lead_status not null default 'new',
  assigned_to uuid,
  assigned_at timestamptz,
  -- First contact attempt (call tapped or outcome logged): the end of speed to lead.
  first_contact_at timestamptz,

  sla_policy_id uuid,
  sla_started_at timestamptz,
  sla_due_at timestamptz,
  sla_state public.sla_state not null default 'none',
  sla_reminded_at timestamptz,
  sla_breached_at timestamptz,
  sla_escalated_at timestamptz,

  -- Follow-up: the lead waits out of the owner's queue until then.
  next_attempt_at timestamptz,
  callback_at timestamptz,
  attempt_count integer not null default 0 check (attempt_count >= 0),

  is_spam boolean not null default false,
  -- Nobody eligible could take it: waits for the team's fallback owner or any teammate to claim.
  in_fallback_queue boolean not null default false,
  -- Keys the ingest function matches duplicates on (normalized email and E.164 phone).
  dedupe_email text,
  dedupe_phone text,
  reengaged_count integer not null default 0 check (reengaged_count >= 0),
  reengaged_at timestamptz,

  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),

  unique (id, org_id),
  foreign key (source_id, org_id) references public.lead_sources (id, org_id) on delete set null (source_id),
  foreign key (team_id, org_id) references public.teams (id, org_id) on delete set null (team_id),
  foreign key (assigned_to, org_id) references public.members (id, org_id) on delete set null (assigned_to),
  foreign key (sla_policy_id, org_id) references public.sla_policies (id, org_id) on delete set null (sla_policy_id)
);
alter table public.leads enable row level security;
comment on table public.leads is 'A person who asked to be contacted, with their score, owner, lifecycle status and SLA clock.';

-- The queue order of next_lead(): tier (HOT first, by enum order), score, SLA time left (only while
-- the clock is running or already late), age, re-engagement. The two partial indexes below
-- serve it for a rep's own leads and for a team's pool; their expressions must stay equal to the
-- ORDER BY in public.next_lead().
create index leads_owner_queue_idx on public.leads (
  assigned_to, tier, score desc,
  (case when sla_state in ('running', 'breached', 'escalated') then sla_due_at end),
  created_at, reengaged_count desc, id
) where status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not is_spam;

create index leads_pool_queue_idx on public.leads (
  team_id, tier, score desc,
  (case when sla_state in ('running', 'breached', 'escalated') then sla_due_at end),
  created_at, reengaged_count desc, id
) where (assigned_to is null or in_fallback_queue) and status in ('new', 'assigned', 'attempting') and not is_spam;

create index leads_org_created_idx on public.leads (org_id, created_at desc);
create index leads_assigned_to_idx on public.leads (assigned_to, updated_at desc);
create index leads_team_id_idx on public.leads (team_id);
create index leads_source_id_idx on public.leads (source_id, created_at);
create index leads_sla_policy_id_idx on public.leads (sla_policy_id);
-- The escalator's work (all organizations) and the manager board's at-risk list (one organization).
create index leads_sla_running_idx on public.leads (sla_due_at) where sla_state = 'running';
create index leads_org_sla_open_idx on public.leads (org_id, sla_due_at) where sla_state in ('running', 'breached', 'escalated');
create index leads_org_fallback_idx on public.leads (org_id, created_at) where in_fallback_queue;
create index leads_callback_idx on public.leads (assigned_to, callback_at) where callback_at is not null;
create index leads_next_attempt_idx on public.leads (next_attempt_at) where next_attempt_at is not null;
create index leads_dedupe_email_idx on public.leads (org_id, dedupe_email) where dedupe_email is not null;
create index leads_dedupe_phone_idx on public.leads (org_id, dedupe_phone) where dedupe_phone is not null;

create trigger leads_touch_updated_at before update on public.leads
  for each row execute function private.touch_updated_at();

-- The lifecycle as data, so the app can show only the moves that are allowed. Staying in the same
-- status is always allowed. converted is final; disqualified and nurture leads can come back
-- (a re-engaged lead is routed again).
create table public.lead_status_transitions (
  from_status public.lead_status not null,
  to_status public.lead_status not null,
  primary key (from_status, to_status),
  check (from_status <> to_status)
);
alter table public.lead_status_transitions enable row level security;
comment on table public.lead_status_transitions is 'Allowed lead status changes; a trigger on leads refuses every other change.';
insert into public.lead_status_transitions (from_status, to_status) values
  ('new', 'assigned'), ('new', 'attempting'), ('new', 'contacted'), ('new', 'qualified'),
  ('new', 'disqualified'), ('new', 'nurture'),
  ('assigned', 'new'), ('assigned', 'attempting'), ('assigned', 'contacted'), ('assigned', 'qualified'),
  ('assigned', 'disqualified'), ('assigned', 'nurture'),
  ('attempting', 'new'), ('attempting', 'assigned'), ('attempting', 'contacted'), ('attempting', 'qualified'),
  ('attempting', 'disqualified'), ('attempting', 'nurture'),
  ('contacted', 'qualified'), ('contacted', 'converted'), ('contacted', 'disqualified'), ('contacted', 'nurture'),
  ('qualified', 'converted'), ('qualified', 'disqualified'), ('qualified', 'nurture'),
  ('disqualified', 'new'), ('disqualified', 'assigned'), ('disqualified', 'qualified'), ('disqualified', 'nurture'),
  ('nurture', 'new'), ('nurture', 'assigned'), ('nurture', 'attempting'), ('nurture', 'contacted'),
  ('nurture', 'qualified'), ('nurture', 'disqualified');

-- Refuses a status change the lifecycle does not allow, for every writer (RPCs, functions, API).
-- SQLSTATE PT409: PostgREST answers it with HTTP 409.
create function private.enforce_lead_status_transition() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status is distinct from old.status and not exists (
    select 1 from public.lead_status_transitions t where t.from_status = old.status and t.to_status = new.status
  ) then
    raise exception 'illegal lead status transition: % -> %', old.status, new.status
      using errcode = 'PT409',
            detail = format('lead %s is %s; allowed next: %s', old.id, old.status, coalesce((
              select string_agg(t.to_status::text, ', ' order by t.to_status)
              from public.lead_status_transitions t where t.from_status = old.status), 'none (final)')),
            hint = 'See table public.lead_status_transitions.';
  end if;
  return new;
end
$$;

create trigger leads_enforce_status_transition before update of status on public.leads
  for each row execute function private.enforce_lead_status_transition();

create table public.lead_events (
  id bigint generated always as identity primary key,
  lead_id uuid not null,
  org_id uuid not null,
  type public.lead_event_type not null,
  -- The member who acted; null for the system (ingest, escalator). Not a foreign key: the trail
  -- outlives members.
  actor_id uuid,
  -- Id generated on a device for an idempotent write (record_contact_attempt), else null.
  client_ref uuid,
  occurred_at timestamptz not null default now(),
  details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
  foreign key (lead_id, org_id) references public.leads (id, org_id) on delete cascade
);
alter table public.lead_events enable row level security;
comment on table public.lead_events is 'Append-only trail of everything that happens to a lead. A trigger refuses UPDATE and DELETE for every role, owner and superuser included; rows go only when their lead is deleted (erasure cascades).';
create unique index lead_events_client_ref_key on public.lead_events (client_ref) where client_ref is not null;
create index lead_events_lead_idx on public.lead_events (lead_id, occurred_at);
create index lead_events_org_idx on public.lead_events (org_id, occurred_at desc);
create index lead_events_org_type_idx on public.lead_events (org_id, type, occurred_at);

create function private.refuse_lead_event_change() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- Deleting a lead (erasure) cascades to its events: allowed once the lead itself is gone.
  if tg_op = 'DELETE' and not exists (select 1 from public.leads l where l.id = old.lead_id) then
    return old;
  end if;
  raise exception 'lead_events is append-only: % refused', tg_op
    using errcode = '42501', hint = 'Append a new event instead.';
end
$$;

create trigger lead_events_append_only before update or delete on public.lead_events
  for each row execute function private.refuse_lead_event_change();

-- Every status change lands in the trail, whoever made it. Security definer: reps may change a
-- status but may not write events themselves.
create function private.log_lead_status_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.lead_events (lead_id, org_id, type, actor_id, details)
  values (new.id, new.org_id, 'status_changed', (select auth.uid()),
          jsonb_build_object('from', old.status, 'to', new.status));
  return null;
end
$$;

create trigger leads_log_status_change after update of status on public.leads
  for each row when (new.status is distinct from old.status)
  execute function private.log_lead_status_change();

create table public.dispositions (
  -- Generated on the device, so a replayed sync is recognized.
  id uuid primary key,
  lead_id uuid not null,
  org_id uuid not null,
  rep_id uuid not null,
  outcome public.disposition_outcome not null,
  notes text check (length(notes) <= 4000),
  callback_at timestamptz,
  channel public.contact_channel not null default 'phone',
  -- When it happened on the device; received_at is when the server got it.
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  check (outcome <> 'callback' or callback_at is not null),
  foreign key (lead_id, org_id) references public.leads (id, org_id) on delete cascade,
  -- A member with call history is deactivated, not deleted.
  foreign key (rep_id, org_id) references public.members (id, org_id)
);
alter table public.dispositions enable row level security;
comment on table public.dispositions is 'Outcome of a contact attempt, logged on the rep''s device (possibly offline) and synced once by sync_dispositions.';
create index dispositions_lead_idx on public.dispositions (lead_id, occurred_at);
create index dispositions_rep_idx on public.dispositions (rep_id, occurred_at desc);
create index dispositions_org_idx on public.dispositions (org_id, occurred_at desc);

create table public.outbound_messages (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  lead_id uuid not null,
  source_id uuid,
  channel public.outbound_channel not null,
  recipient text not null,
  subject text,
  body text not null,
  status public.outbound_status not null default 'queued',
  send_after timestamptz not null default now(),
  attempts integer not null default 0,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (lead_id, org_id) references public.leads (id, org_id) on delete cascade,
  foreign key (source_id, org_id) references public.lead_sources (id, org_id) on delete set null (source_id)
);
alter table public.outbound_messages enable row level security;
comment on table public.outbound_messages is 'Acknowledgments queued for leads (from the source''s template), sent by a worker.';
create index outbound_messages_queued_idx on public.outbound_messages (send_after) where status = 'queued';
create index outbound_messages_lead_idx on public.outbound_messages (lead_id);
create index outbound_messages_org_idx on public.outbound_messages (org_id, created_at desc);
create index outbound_messages_source_idx on public.outbound_messages (source_id);
create trigger outbound_messages_touch_updated_at before update on public.outbound_messages
  for each row execute function private.touch_updated_at();

create table public.ingest_requests (
  source_id uuid not null references public.lead_sources (id) on delete cascade,
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  -- sha256 of the request body, to tell a replay from a different body under the same key.
  request_hash text,
  -- Null while the first request with this key is still being answered.
  response_status integer,
  response_body jsonb,
  lead_id uuid references public.leads (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (source_id, idempotency_key)
);
alter table public.ingest_requests enable row level security;
comment on table public.ingest_requests is 'First answer per source and Idempotency-Key, replayed by the ingest function.';
create index ingest_requests_created_idx on public.ingest_requests (created_at);
create index ingest_requests_lead_idx on public.ingest_requests (lead_id);

-- Live views in the apps: the rep's queue, the manager board, the team panel.
alter table public.leads replica identity full;
alter table public.members replica identity full;
alter publication supabase_realtime add table public.leads, public.lead_events, public.dispositions, public.members;
