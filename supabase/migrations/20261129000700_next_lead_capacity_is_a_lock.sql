-- Capacity becomes a hard limit for pool claims: next_lead() takes a per-member transaction lock
-- before it counts the caller's open leads, so two simultaneous calls by one rep (two devices, a
-- retry racing the first try) cannot each claim a lead past capacity. Otherwise as
-- 20261129000150_next_lead_counts_capacity_only_to_claim.sql.

create or replace function public.next_lead() returns setof public.leads
language plpgsql volatile security definer set search_path = '' rows 1 as $$
declare
  me public.members := private.require_member();
  own public.leads;
  pooled public.leads;
  chosen public.leads;
  -- Capacity is counted only when a pool lead would be claimed (see below).
  may_claim boolean := me.availability = 'on_shift' and me.team_id is not null;
  capacity_checked boolean := false;
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
    -- A member at capacity does not claim: look again at their own leads only. The pool lead
    -- stays locked until the caller's transaction (one request) ends; concurrent callers skip it.
    if chosen.id = pooled.id and not capacity_checked then
      capacity_checked := true;
      -- The same member's claims take turns: two of their calls at once would each count
      -- before the other's claim is committed and both claim, one past capacity. Held to the
      -- end of the request; other members' calls never wait on it.
      perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('pronto.next_lead.claim:' || me.id::text, 0));
      if not private.may_claim_pool(me) then
        may_claim := false;
        continue;
      end if;
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

