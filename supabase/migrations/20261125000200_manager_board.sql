-- The manager's live board and the actions on it. Same shape as the queue RPCs: security definer,
-- empty search_path, the caller worked out from the JWT and checked here, executable by
-- authenticated only. Reassigning and taking over use public.reassign_lead().

-- The caller as an active manager or admin, or an error (HTTP 403 through PostgREST).
create function private.require_manager() returns public.members
language plpgsql stable security definer set search_path = '' as $$
declare
  me public.members := private.require_member();
begin
  if me.role not in ('manager', 'admin') then
    raise exception 'only a manager or admin may do this' using errcode = '42501';
  end if;
  return me;
end
$$;
revoke execute on function private.require_manager() from public, anon, authenticated, service_role;

-- How the board names a lead: the person, else how to reach them.
create function private.lead_display_name(full_name text, first_name text, last_name text, email text, phone text)
returns text
language sql immutable parallel safe
return coalesce(nullif(btrim(full_name), ''), nullif(btrim(concat_ws(' ', first_name, last_name)), ''), email, phone, 'Unnamed lead');
grant execute on function private.lead_display_name(text, text, text, text, text) to authenticated, service_role;
revoke execute on function private.lead_display_name(text, text, text, text, text) from public, anon;

-- One lead as the board lists it.
create function private.board_lead(lead public.leads) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'lead_id', lead.id,
    'name', private.lead_display_name(lead.full_name, lead.first_name, lead.last_name, lead.email, lead.phone),
    'company', lead.company, 'tier', lead.tier, 'score', lead.score, 'status', lead.status,
    'source_name', (select s.name from public.lead_sources s where s.id = lead.source_id),
    'owner_id', lead.assigned_to,
    'owner_name', (select m.full_name from public.members m where m.id = lead.assigned_to),
    'created_at', lead.created_at, 'sla_state', lead.sla_state, 'sla_started_at', lead.sla_started_at,
    'sla_due_at', lead.sla_due_at, 'sla_breached_at', lead.sla_breached_at,
    'in_fallback_queue', lead.in_fallback_queue)
$$;
revoke execute on function private.board_lead(public.leads) from public, anon, authenticated, service_role;

/*
 * manager_board(): what a manager of the caller's organization needs to see now, as one object:
 *
 *   generated_at     the server's now(), for countdowns that do not trust the phone's clock
 *   at_risk          running SLA clocks in the last quarter of their window (sla_due_at minus a
 *                    quarter of sla_due_at - sla_started_at), overdue ones included until the
 *                    escalator marks them: the 50 due first
 *   at_risk_count    all of them
 *   next_risk_at     when the next running clock enters its last quarter (the board looks again then)
 *   breached         leads whose SLA was breached and that nobody has tried yet: the 50 latest
 *   breached_count
 *   unassigned       open leads without an owner or waiting in the fallback queue: the 50 oldest
 *   unassigned_count
 *   team             every active member: availability (and since when), capacity, open leads,
 *                    leads at risk, last activity (their latest action on any lead)
 *
 * Each lead carries lead_id, name, company, tier, score, status, source_name, owner_id,
 * owner_name, created_at, sla_state, sla_started_at, sla_due_at, sla_breached_at,
 * in_fallback_queue.
 */
create function public.manager_board() returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  me public.members := private.require_manager();
  now_at timestamptz := now();
  at_risk jsonb;
  at_risk_count bigint;
  at_risk_by_owner jsonb;
  next_risk_at timestamptz;
  breached jsonb;
  breached_count bigint;
  unassigned jsonb;
  unassigned_count bigint;
  team jsonb;
begin
  -- Every predicate below repeats its index's (see 20261125000100_lead_metric_facts.sql).
  with risky as (
    select l as lead, l.id, l.assigned_to, l.sla_due_at
    from public.leads l
    where l.org_id = me.org_id and l.sla_state = 'running'
      and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam
      and private.sla_risk_at(l.sla_started_at, l.sla_due_at) <= now_at
  )
  select (select count(*) from risky),
         (select coalesce(jsonb_object_agg(o.assigned_to, o.n), '{}')
          from (select r.assigned_to, count(*) as n from risky r where r.assigned_to is not null group by r.assigned_to) as o),
         (select coalesce(jsonb_agg(private.board_lead(r.lead) order by r.sla_due_at, r.id), '[]')
          from (select * from risky order by sla_due_at, id limit 50) as r)
  into at_risk_count, at_risk_by_owner, at_risk;

  select min(private.sla_risk_at(l.sla_started_at, l.sla_due_at)) into next_risk_at
  from public.leads l
  where l.org_id = me.org_id and l.sla_state = 'running'
    and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam
    and private.sla_risk_at(l.sla_started_at, l.sla_due_at) > now_at;

  select count(*) into breached_count
  from public.leads l
  where l.org_id = me.org_id and l.sla_breached_at is not null and l.first_contact_at is null
    and l.status in ('new', 'assigned', 'attempting') and not l.is_spam;
  select coalesce(jsonb_agg(private.board_lead(b.lead) order by b.sla_breached_at desc, b.id), '[]') into breached
  from (
    select l as lead, l.id, l.sla_breached_at
    from public.leads l
    where l.org_id = me.org_id and l.sla_breached_at is not null and l.first_contact_at is null
      and l.status in ('new', 'assigned', 'attempting') and not l.is_spam
    order by l.sla_breached_at desc, l.id
    limit 50
  ) as b;

  select count(*) into unassigned_count
  from public.leads l
  where l.org_id = me.org_id and (l.assigned_to is null or l.in_fallback_queue)
    and l.status in ('new', 'assigned', 'attempting') and not l.is_spam;
  select coalesce(jsonb_agg(private.board_lead(u.lead) order by u.created_at, u.id), '[]') into unassigned
  from (
    select l as lead, l.id, l.created_at
    from public.leads l
    where l.org_id = me.org_id and (l.assigned_to is null or l.in_fallback_queue)
      and l.status in ('new', 'assigned', 'attempting') and not l.is_spam
    order by l.created_at, l.id
    limit 50
  ) as u;

  select coalesce(jsonb_agg(jsonb_build_object(
           'member_id', m.id, 'full_name', m.full_name, 'role', m.role, 'team_id', m.team_id,
           'availability', m.availability, 'availability_changed_at', m.availability_changed_at,
           'capacity', m.capacity, 'open_leads', owned.n,
           'at_risk', coalesce((at_risk_by_owner ->> m.id::text)::bigint, 0),
           'last_activity_at', activity.last_at)
           order by coalesce((at_risk_by_owner ->> m.id::text)::bigint, 0) desc, m.role, m.full_name, m.id), '[]')
  into team
  from public.members m
  cross join lateral (
    select count(*) as n from public.leads l
    where l.assigned_to = m.id and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam
  ) as owned
  cross join lateral (
    select max(e.occurred_at) as last_at from public.lead_events e where e.actor_id = m.id
  ) as activity
  where m.org_id = me.org_id and m.active;

  return jsonb_build_object(
    'generated_at', now_at,
    'at_risk', at_risk, 'at_risk_count', at_risk_count, 'next_risk_at', next_risk_at,
    'breached', breached, 'breached_count', breached_count,
    'unassigned', unassigned, 'unassigned_count', unassigned_count,
    'team', team);
end
$$;

/*
 * nudge_lead_owner(lead_id, message): a manager asks the owner of an open lead of their
 * organization to act on it now. Appends a 'nudged' event (who, to whom, the message) and
 * answers {event_id, lead_id, owner_id, occurred_at}. The manager-nudge edge function calls it as
 * the manager, then sends the owner a push.
 */
create function public.nudge_lead_owner(lead_id uuid, message text default null) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.members := private.require_manager();
  lead public.leads;
  note text := nullif(btrim(nudge_lead_owner.message), '');
  event public.lead_events;
begin
  if length(note) > 500 then
    raise exception 'message: at most 500 characters' using errcode = '22023';
  end if;
  select * into lead from public.leads l where l.id = nudge_lead_owner.lead_id;
  if not found or lead.org_id <> me.org_id then
    raise exception 'lead_id: no such lead' using errcode = 'PT404';
  end if;
  if lead.assigned_to is null then
    raise exception 'lead_id: the lead has no owner to nudge' using errcode = '22023';
  end if;
  if lead.status not in ('new', 'assigned', 'attempting', 'contacted', 'qualified') then
    raise exception 'lead_id: the lead is %, there is nothing to follow up', lead.status using errcode = '22023';
  end if;

  insert into public.lead_events (lead_id, org_id, type, actor_id, details)
  values (lead.id, lead.org_id, 'nudged', me.id, jsonb_strip_nulls(jsonb_build_object(
    'to', lead.assigned_to, 'message', note, 'push', 'requested')))
  returning * into event;
  return jsonb_build_object('event_id', event.id, 'lead_id', lead.id, 'owner_id', lead.assigned_to,
                            'occurred_at', event.occurred_at);
end
$$;

revoke execute on function public.manager_board(), public.nudge_lead_owner(uuid, text) from public, anon, service_role;
grant execute on function public.manager_board(), public.nudge_lead_owner(uuid, text) to authenticated;
