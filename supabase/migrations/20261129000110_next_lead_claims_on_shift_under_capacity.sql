-- next_lead() claims from the team pool only for a member who is on shift and under capacity.
-- The PWA calls next_lead() on every refresh, so a rep on break (or off, or already holding as
-- many open leads as their capacity) pulled pool leads that routing would not have given them,
-- and those leads then waited on someone who was not working. Such a member still gets their own
-- ready leads (including fallback-queue leads already assigned to them), and queue_summary()'s
-- pool_ready counts only what next_lead() could claim, so the phone does not promise pool work.

-- Whether `me` may claim a pool lead now: on shift, in a team, and fewer open leads (the statuses
-- next_lead() serves, not spam) than their capacity. The count stops at capacity, so a member
-- with a long book pays only that many index entries.
create function private.may_claim_pool(me public.members) returns boolean
language sql stable set search_path = '' as $$
  select me.availability = 'on_shift'
     and me.team_id is not null
     and (select count(*) from (
            select 1 from public.leads l
            where l.assigned_to = me.id
              and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam
            limit greatest(me.capacity, 0)) as open_leads) < me.capacity
$$;
revoke execute on function private.may_claim_pool(public.members) from public, anon, authenticated, service_role;

/*
 * next_lead(): as in 20261123000600_queue_rpcs.sql (candidates, priority: tier, score, SLA time
 * left, age, re-engagement, id; atomic claim with FOR UPDATE SKIP LOCKED), except that the pool
 * is looked at only when private.may_claim_pool(caller). Two concurrent calls of the same member
 * may each claim one lead past their capacity; capacity is a routing limit, not a lock.
 */
create or replace function public.next_lead() returns setof public.leads
language plpgsql volatile security definer set search_path = '' rows 1 as $$
declare
  me public.members := private.require_member();
  own public.leads;
  pooled public.leads;
  chosen public.leads;
  may_claim boolean := private.may_claim_pool(me);
begin
  -- A pool lead chosen below can be taken by a concurrent caller between the pick and the
  -- claim only when it is the caller's own fallback lead (not locked); then pick again.
  for attempt in 1..3 loop
    select l.* into own
    from public.leads l
    where l.assigned_to = me.id
      and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam
      and private.lead_ready(l.status, l.next_attempt_at, l.callback_at, now())
    order by l.tier, l.score desc,
             (case when l.sla_state in ('running', 'breached', 'escalated') then l.sla_due_at end),
             l.created_at, l.reengaged_count desc, l.id
    limit 1;

    pooled := null;
    if may_claim then
      select l.* into pooled
      from public.leads l
      where l.team_id = me.team_id
        and (l.assigned_to is null or l.in_fallback_queue)
        and l.status in ('new', 'assigned', 'attempting') and not l.is_spam
        and private.lead_ready(l.status, l.next_attempt_at, l.callback_at, now())
      order by l.tier, l.score desc,
               (case when l.sla_state in ('running', 'breached', 'escalated') then l.sla_due_at end),
               l.created_at, l.reengaged_count desc, l.id
      limit 1
      for update of l skip locked;
    end if;

    select c.* into chosen
    from unnest(array[own, pooled]) as c
    where c.id is not null
    order by c.tier, c.score desc,
             (case when c.sla_state in ('running', 'breached', 'escalated') then c.sla_due_at end),
             c.created_at, c.reengaged_count desc, c.id
    limit 1;

    if chosen.id is null then
      return;
    end if;
    if chosen.assigned_to is not distinct from me.id and not chosen.in_fallback_queue then
      return next chosen;
      return;
    end if;

    update public.leads l
    set assigned_to = me.id,
        assigned_at = now(),
        in_fallback_queue = false,
        status = case when l.status = 'new' then 'assigned'::public.lead_status else l.status end
    where l.id = chosen.id and (l.assigned_to is null or l.in_fallback_queue)
    returning l.* into chosen;
    if found then
      insert into public.lead_events (lead_id, org_id, type, actor_id, details)
      values (chosen.id, chosen.org_id, 'assigned', me.id, jsonb_build_object(
        'via', 'next_lead', 'to', me.id,
        'from', case when pooled.id = chosen.id then pooled.assigned_to else own.assigned_to end,
        'from_fallback_queue', case when pooled.id = chosen.id then pooled.in_fallback_queue else own.in_fallback_queue end));
      return next chosen;
      return;
    end if;
  end loop;
  return;
end
$$;

create or replace function public.queue_summary() returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  me public.members := private.require_member();
  own record;
  pool_ready bigint := 0;
  callbacks jsonb;
begin
  select count(*) filter (where private.lead_ready(l.status, l.next_attempt_at, l.callback_at, now())) as ready,
         count(*) filter (where not private.lead_ready(l.status, l.next_attempt_at, l.callback_at, now())
                            and greatest(l.next_attempt_at, l.callback_at) > now()) as scheduled,
         min(least(
           case when l.next_attempt_at > now() then l.next_attempt_at end,
           case when l.callback_at > now() then l.callback_at end)) as next_scheduled_at,
         count(*) as open
  into own
  from public.leads l
  where l.assigned_to = me.id
    and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam;

  if private.may_claim_pool(me) then
    select count(*) into pool_ready
    from public.leads l
    where l.team_id = me.team_id
      and (l.assigned_to is null or l.in_fallback_queue)
      and l.assigned_to is distinct from me.id
      and l.status in ('new', 'assigned', 'attempting') and not l.is_spam
      and private.lead_ready(l.status, l.next_attempt_at, l.callback_at, now());
  end if;

  select coalesce(jsonb_agg(jsonb_build_object(
           'lead_id', c.id, 'full_name', c.full_name, 'company', c.company, 'callback_at', c.callback_at)
           order by c.callback_at), '[]')
  into callbacks
  from (
    select l.id, l.full_name, l.company, l.callback_at
    from public.leads l
    where l.assigned_to = me.id and l.callback_at > now()
      and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam
    order by l.callback_at
    limit 5
  ) as c;

  return jsonb_build_object(
    'ready', own.ready + pool_ready,
    'own_ready', own.ready,
    'pool_ready', pool_ready,
    'scheduled', own.scheduled,
    'next_scheduled_at', own.next_scheduled_at,
    'open_leads', own.open,
    'capacity', me.capacity,
    'availability', me.availability,
    'upcoming_callbacks', callbacks);
end
$$;

comment on function public.next_lead() is 'The caller''s next lead (own ready leads, and claimable pool leads while on shift and under capacity), claiming a pool lead atomically. Priority: tier, score, SLA time left, age, re-engagement, id.';
