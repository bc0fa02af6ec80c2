-- Organizations, teams and members: every row in Pronto belongs to one organization, and every
-- member is an auth.users user with one role in exactly one organization.
--
-- Helpers used by row-level security and the RPCs live in schema `private`, which PostgREST does
-- not expose: authenticated may call them from policies but not as /rest/v1/rpc/...

create schema private;
comment on schema private is 'Helpers for row-level security, triggers and RPCs. Not exposed through the API.';
grant usage on schema private to authenticated, service_role;

create type public.member_role as enum ('rep', 'manager', 'admin');
create type public.member_availability as enum ('on_shift', 'break', 'off');

-- Validation helpers for CHECK constraints.

create function private.valid_time_zone(tz text) returns boolean
language plpgsql stable set search_path = '' as $$
begin
  perform now() at time zone tz;
  return true;
exception when others then
  return false;
end
$$;

-- Country or country-region codes: 'US', 'US-CA', 'GB-LND'.
create function private.valid_region_codes(codes text[]) returns boolean
language sql immutable set search_path = '' as $$
  select coalesce(bool_and(code ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'), true) from unnest(codes) as code
$$;

-- Weekly hours as used by business calendars and members' working hours:
-- {"1":[{"start":"09:00","end":"17:00"}], ...}; keys "0" (Sunday) to "6" (Saturday), each day a
-- list of windows in local time, "24:00" allowed as an end. A window whose end is before its
-- start runs overnight. The same shape the TS domain (weeklyHoursSchema) accepts.
create function private.valid_weekly_hours(hours jsonb) returns boolean
language plpgsql immutable set search_path = '' as $$
declare
  day record;
  span jsonb;
begin
  if jsonb_typeof(hours) is distinct from 'object' then
    return false;
  end if;
  for day in select key, value from jsonb_each(hours) loop
    if day.key not in ('0', '1', '2', '3', '4', '5', '6') or jsonb_typeof(day.value) <> 'array'
      or jsonb_array_length(day.value) > 48 then
      return false;
    end if;
    for span in select value from jsonb_array_elements(day.value) loop
      if jsonb_typeof(span) <> 'object'
        or coalesce(span ->> 'start', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
        or coalesce(span ->> 'end', '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
        or span ->> 'start' = span ->> 'end' then
        return false;
      end if;
    end loop;
  end loop;
  return true;
end
$$;

grant execute on function private.valid_time_zone(text), private.valid_region_codes(text[]),
  private.valid_weekly_hours(jsonb) to authenticated, service_role;

-- Keeps updated_at honest on every table that has one.
create function private.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  time_zone text not null default 'UTC' check (private.valid_time_zone(time_zone)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.organizations enable row level security;
comment on table public.organizations is 'A customer of Pronto; every other row belongs to exactly one organization.';

create table public.teams (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  -- Both refer to members of the same organization (foreign keys added below, once members exist).
  manager_id uuid,
  fallback_owner_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name),
  -- Target of composite foreign keys that keep a row's team inside the row's organization.
  unique (id, org_id)
);
alter table public.teams enable row level security;
comment on table public.teams is 'A sales team: its routing rules, its pool of unassigned leads and its fallback queue owner.';
comment on column public.teams.fallback_owner_id is 'Owner of the fallback queue: leads nobody eligible could take wait in_fallback_queue for this member (or any teammate) to claim.';

create table public.members (
  id uuid primary key references auth.users (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  team_id uuid,
  role public.member_role not null default 'rep',
  full_name text not null check (length(btrim(full_name)) between 1 and 200),
  email text not null unique check (email = lower(email)),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  time_zone text not null default 'UTC' check (private.valid_time_zone(time_zone)),
  territories text[] not null default '{}' check (private.valid_region_codes(territories)),
  skills text[] not null default '{}',
  languages text[] not null default '{}',
  capacity integer not null default 10 check (capacity between 0 and 10000),
  availability public.member_availability not null default 'off',
  availability_changed_at timestamptz not null default now(),
  working_hours jsonb check (working_hours is null or private.valid_weekly_hours(working_hours)),
  active boolean not null default true,
  push_warm boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, org_id),
  foreign key (team_id, org_id) references public.teams (id, org_id) on delete set null (team_id)
);
alter table public.members enable row level security;
comment on table public.members is 'A user of one organization: rep, manager or admin. id is the auth.users id.';
comment on column public.members.territories is 'Country or country-region codes the member covers, e.g. {US,US-CA}.';
comment on column public.members.capacity is 'Maximum open leads routing may give this member.';
comment on column public.members.working_hours is 'Weekly hours in the member''s time_zone, shaped like business_calendars.weekly_hours; null means no personal schedule (availability alone decides).';
comment on column public.members.push_warm is 'Also alert this member by push for WARM leads (HOT always alerts).';

create index members_org_id_idx on public.members (org_id);
create index members_team_id_idx on public.members (team_id) where active;

alter table public.teams
  add foreign key (manager_id, org_id) references public.members (id, org_id) on delete set null (manager_id),
  add foreign key (fallback_owner_id, org_id) references public.members (id, org_id) on delete set null (fallback_owner_id);
create index teams_org_id_idx on public.teams (org_id);
create index teams_manager_id_idx on public.teams (manager_id);
create index teams_fallback_owner_id_idx on public.teams (fallback_owner_id);

create trigger organizations_touch_updated_at before update on public.organizations
  for each row execute function private.touch_updated_at();
create trigger teams_touch_updated_at before update on public.teams
  for each row execute function private.touch_updated_at();
create trigger members_touch_updated_at before update on public.members
  for each row execute function private.touch_updated_at();

-- Who is calling. Security definer so that policies can read members without recursing into
-- members' own policies; stable so that `(select private.x())` in a policy runs once per query.
-- Only active members count: a deactivated member sees nothing.

create function private.current_member() returns public.members
language sql stable security definer set search_path = '' as $$
  select m.* from public.members m where m.id = (select auth.uid()) and m.active
$$;

create function private.current_org_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.org_id from public.members m where m.id = (select auth.uid()) and m.active
$$;

create function private.current_team_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.team_id from public.members m where m.id = (select auth.uid()) and m.active
$$;

-- The caller's organization if the caller is a manager or admin there, else null. Policies compare
-- `org_id = (select private.manager_org_id())`, which uses the org_id indexes.
create function private.manager_org_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.org_id from public.members m
  where m.id = (select auth.uid()) and m.active and m.role in ('manager', 'admin')
$$;

create function private.admin_org_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select m.org_id from public.members m
  where m.id = (select auth.uid()) and m.active and m.role = 'admin'
$$;

create function private.is_manager(org uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(org = private.manager_org_id(), false)
$$;

create function private.is_admin(org uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(org = private.admin_org_id(), false)
$$;

grant execute on function private.current_member(), private.current_org_id(), private.current_team_id(),
  private.manager_org_id(), private.admin_org_id(), private.is_manager(uuid), private.is_admin(uuid)
  to authenticated, service_role;

-- A member may edit their own profile, but only an admin may change what decides access and
-- routing. Column privileges cannot tell "self" from "admin", so a trigger does. It only guards
-- direct API writes (current_user is the API role); the RPCs run as the owner and check for
-- themselves.
create function private.guard_member_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.id <> old.id or new.org_id <> old.org_id then
    raise exception 'a member cannot move to another organization' using errcode = '42501';
  end if;
  if not private.is_admin(old.org_id) and (
    new.role, new.team_id, new.capacity, new.territories, new.skills, new.languages, new.active, new.email
  ) is distinct from (
    old.role, old.team_id, old.capacity, old.territories, old.skills, old.languages, old.active, old.email
  ) then
    raise exception 'only an admin may change role, team, capacity, territories, skills, languages, email or active'
      using errcode = '42501';
  end if;
  if new.availability is distinct from old.availability then
    new.availability_changed_at := now();
  end if;
  return new;
end
$$;
create trigger members_guard_update before update on public.members
  for each row execute function private.guard_member_update();
