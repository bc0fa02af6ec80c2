-- Web push subscriptions, one per member and device. Written only through
-- register_push_subscription / remove_push_subscription; read by the push sender (service role).

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null,
  org_id uuid not null,
  -- The push service URL of the browser; a capability, so only its owner may read it.
  endpoint text not null unique check (endpoint ~ '^https://' and length(endpoint) <= 2048),
  -- The browser's ECDH public key and auth secret, base64url.
  p256dh text not null check (p256dh ~ '^[A-Za-z0-9_-]+=*$' and length(p256dh) <= 200),
  auth text not null check (auth ~ '^[A-Za-z0-9_-]+=*$' and length(auth) <= 100),
  user_agent_label text check (length(user_agent_label) <= 200),
  created_at timestamptz not null default now(),
  last_success_at timestamptz,
  failure_count integer not null default 0 check (failure_count >= 0),
  foreign key (member_id, org_id) references public.members (id, org_id) on delete cascade
);
alter table public.push_subscriptions enable row level security;
comment on table public.push_subscriptions is 'Where to send a member''s web push alerts; one row per browser.';
create index push_subscriptions_member_idx on public.push_subscriptions (member_id);
