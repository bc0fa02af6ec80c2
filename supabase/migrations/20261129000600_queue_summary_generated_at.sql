-- queue_summary() also answers generated_at, the server's now(): the phone's SLA countdown then
-- corrects for a phone clock that is off, as the manager board does with manager_board()'s.
-- Otherwise the same as 20261129000110.

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
    'upcoming_callbacks', callbacks,
    'generated_at', now());
end
$$;
