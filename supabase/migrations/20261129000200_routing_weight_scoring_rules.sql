-- Configuration ingest-lead reads that had no home yet: each rep's weight in weighted round
-- robin, and an organization's own lead scoring rules. Both are admin configuration.

alter table public.members
  add column routing_weight smallint not null default 1 check (routing_weight between 1 and 100);
comment on column public.members.routing_weight is
  'Round-robin turns in a row per cycle (weighted round robin); free capacity still caps them.';

grant update (routing_weight) on public.members to authenticated;

-- Like capacity, the weight decides routing, so only an admin may change it. A trigger of its
-- own rather than a new version of private.guard_member_update, which stays as it was.
create function private.guard_member_routing_weight() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user in ('authenticated', 'anon') and not private.is_admin(old.org_id) then
    raise exception 'only an admin may change routing_weight' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger members_guard_routing_weight before update of routing_weight on public.members
  for each row when (new.routing_weight is distinct from old.routing_weight)
  execute function private.guard_member_routing_weight();

-- Null: the default rules (supabase/functions/_shared/domain/scoring.ts). The function validates
-- them with scoringRulesSchema at each ingest and scores with the defaults (saying so in the
-- lead's 'scored' event) when they do not validate, so a bad edit never stops leads coming in.
alter table public.organizations
  add column scoring_rules jsonb check (scoring_rules is null or jsonb_typeof(scoring_rules) = 'object');
comment on column public.organizations.scoring_rules is
  'Lead scoring rules (scoringRulesSchema: tiers, fit, intent, recency); null for the defaults.';

-- Readable by the organization's members (the PWA explains scores with them); the existing
-- policy "admins update their organization" lets only admins write it.
grant update (scoring_rules) on public.organizations to authenticated;
