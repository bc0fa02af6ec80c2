-- The RPCs the apps call through supabase-js (`rpc('next_lead')`, ...). Each is security definer
-- with an empty search_path, works out the caller from the JWT and checks what the caller may do
-- itself; each is executable by authenticated only.

-- The caller as an active member, or an error (HTTP 403 through PostgREST).
create function private.require_member() returns public.members
language plpgsql stable security definer set search_path = '' as $$
declare
  me public.members;
begin
  select * into me from public.members m where m.id = (select auth.uid()) and m.active;
  if not found then
    raise exception 'not signed in as an active member' using errcode = '42501';
  end if;
  return me;
end
$$;

-- Whether a lead that is open for its owner can be worked now: new/assigned/attempting leads
-- unless a follow-up or callback is scheduled for later; contacted/qualified leads only when a
-- callback or follow-up they have is due. SQL-standard body, so the planner inlines it.
create function private.lead_ready(status public.lead_status, next_attempt_at timestamptz, callback_at timestamptz, at timestamptz)
returns boolean
language sql immutable parallel safe
return case
  when status in ('new', 'assigned', 'attempting')
    then coalesce(next_attempt_at <= at, true) and coalesce(callback_at <= at, true)
  when status in ('contacted', 'qualified')
    then coalesce(callback_at <= at, false) or coalesce(next_attempt_at <= at, false)
  else false
end;

-- The status a lead moves to after a call outcome. Never moves a lead backwards, never touches a
-- converted one, and only yields moves public.lead_status_transitions allows.
create function private.status_after_outcome(current_status public.lead_status, outcome public.disposition_outcome, attempts_exhausted boolean)
returns public.lead_status
language sql immutable parallel safe
return case
  when current_status = 'converted' then current_status
  when outcome in ('connected', 'callback') then
    case when current_status in ('new', 'assigned', 'attempting', 'nurture') then 'contacted' else current_status end
  when outcome in ('no_answer', 'voicemail') then
    case
      when attempts_exhausted and current_status in ('new', 'assigned', 'attempting', 'contacted') then 'nurture'
      when current_status in ('new', 'assigned') then 'attempting'
      else current_status
    end
  when outcome in ('meeting_booked', 'qualified') then 'qualified'
  else 'disqualified'
end::public.lead_status;

/*
 * next_lead(): the calling member's single next lead, or no row (call it with .maybeSingle()).
 *
 * Candidates: the caller's own open leads that are ready now (private.lead_ready), and the
 * claimable pool of the caller's team: leads nobody owns or waiting in the fallback queue, open
 * (new/assigned/attempting), not spam, with no follow-up scheduled for later.
 *
 * Priority, first difference wins:
 *   1. tier: HOT, then WARM, then COLD
 *   2. score, highest first
 *   3. SLA time left, least first: sla_due_at while the clock is running or already late
 *      (breached, escalated); leads without a running clock come after
 *   4. age: the oldest lead (created_at) first
 *   5. re-engagement: the lead that came back most often first
 *   6. id, so that the order is total
 *
 * A pool lead is claimed in this call: locked with FOR UPDATE SKIP LOCKED (concurrent callers
 * each get a different lead, nobody waits), assigned to the caller, taken out of the fallback
 * queue and recorded as an 'assigned' event. The SLA clock keeps running as it was: the lead's
 * wait counts from when it arrived. Capacity and availability limit routing, not this call: a
 * member who asks for work gets it.
 */
create function public.next_lead() returns setof public.leads
language plpgsql volatile security definer set search_path = '' rows 1 as $$
declare
  me public.members := private.require_member();
  own public.leads;
  pooled public.leads;
  chosen public.leads;
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
    if me.team_id is not null then
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
comment on function public.next_lead() is 'The caller''s next lead (own ready leads and claimable pool leads), claiming a pool lead atomically. Priority: tier, score, SLA time left, age, re-engagement, id.';

/*
 * queue_summary(): what the rep screen shows around the next lead:
 *   ready              leads next_lead() could give now (own_ready + pool_ready)
 *   own_ready          own open leads ready now
 *   pool_ready         claimable pool leads of the caller's team ready now
 *   scheduled          own open leads waiting for a later follow-up or callback
 *   next_scheduled_at  when the first of those comes back
 *   open_leads         own leads in new/assigned/attempting/contacted/qualified
 *   capacity, availability  the caller's
 *   upcoming_callbacks up to 5 own future callbacks: [{lead_id, full_name, company, callback_at}]
 */
create function public.queue_summary() returns jsonb
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

  if me.team_id is not null then
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

-- Applies one disposition item for `me`; raises with a "<field>: <problem>" message when the
-- item is bad. Internal: called by sync_dispositions only (not executable by API roles).
create function private.apply_disposition(me public.members, item jsonb) returns jsonb
language plpgsql volatile set search_path = '' as $$
declare
  item_id uuid;
  item_lead_id uuid;
  item_outcome public.disposition_outcome;
  item_occurred_at timestamptz;
  item_callback_at timestamptz;
  item_channel public.contact_channel := 'phone';
  item_notes text;
  existing public.dispositions;
  lead public.leads;
  sla_policy public.sla_policies;
  attempts integer;
  cadence integer[];
  unanswered boolean;
  exhausted boolean;
  next_status public.lead_status;
  next_attempt timestamptz;
  inserted_id uuid;
begin
  if jsonb_typeof(item) is distinct from 'object' then
    raise exception 'item: must be an object' using errcode = '22023';
  end if;
  if jsonb_typeof(item -> 'id') is distinct from 'string' or not pg_input_is_valid(item ->> 'id', 'uuid') then
    raise exception 'id: must be a UUID generated on the device' using errcode = '22023';
  end if;
  item_id := (item ->> 'id')::uuid;

  -- A replay is recognized before anything else, even if the lead has moved on since.
  select * into existing from public.dispositions d where d.id = item_id;
  if found then
    if existing.rep_id = me.id and existing.lead_id::text = item ->> 'lead_id' then
      return jsonb_build_object('id', item_id, 'status', 'duplicate', 'error', null);
    end if;
    raise exception 'id: already used by another disposition' using errcode = '23505';
  end if;

  if jsonb_typeof(item -> 'lead_id') is distinct from 'string' or not pg_input_is_valid(item ->> 'lead_id', 'uuid') then
    raise exception 'lead_id: must be a UUID' using errcode = '22023';
  end if;
  item_lead_id := (item ->> 'lead_id')::uuid;
  if jsonb_typeof(item -> 'outcome') is distinct from 'string'
    or not pg_input_is_valid(item ->> 'outcome', 'public.disposition_outcome') then
    raise exception 'outcome: must be one of %', array_to_string(enum_range(null::public.disposition_outcome), ', ')
      using errcode = '22023';
  end if;
  item_outcome := (item ->> 'outcome')::public.disposition_outcome;
  if jsonb_typeof(item -> 'occurred_at') is distinct from 'string'
    or not pg_input_is_valid(item ->> 'occurred_at', 'timestamptz') then
    raise exception 'occurred_at: must be an ISO 8601 time' using errcode = '22023';
  end if;
  -- A device clock running ahead cannot log calls in the future.
  item_occurred_at := least((item ->> 'occurred_at')::timestamptz, now());
  if coalesce(jsonb_typeof(item -> 'callback_at'), 'null') <> 'null' then
    if jsonb_typeof(item -> 'callback_at') <> 'string' or not pg_input_is_valid(item ->> 'callback_at', 'timestamptz') then
      raise exception 'callback_at: must be an ISO 8601 time' using errcode = '22023';
    end if;
    item_callback_at := (item ->> 'callback_at')::timestamptz;
  end if;
  if item_outcome = 'callback' and item_callback_at is null then
    raise exception 'callback_at: required for outcome callback' using errcode = '22023';
  end if;
  if coalesce(jsonb_typeof(item -> 'channel'), 'null') <> 'null' then
    if jsonb_typeof(item -> 'channel') <> 'string' or not pg_input_is_valid(item ->> 'channel', 'public.contact_channel') then
      raise exception 'channel: must be one of %', array_to_string(enum_range(null::public.contact_channel), ', ')
        using errcode = '22023';
    end if;
    item_channel := (item ->> 'channel')::public.contact_channel;
  end if;
  if coalesce(jsonb_typeof(item -> 'notes'), 'null') <> 'null' then
    if jsonb_typeof(item -> 'notes') <> 'string' or length(item ->> 'notes') > 4000 then
      raise exception 'notes: must be text of at most 4000 characters' using errcode = '22023';
    end if;
    item_notes := nullif(btrim(item ->> 'notes'), '');
  end if;

  select * into lead from public.leads l where l.id = item_lead_id for update;
  if not found or lead.org_id <> me.org_id then
    raise exception 'lead_id: no such lead' using errcode = 'PT404';
  end if;
  if lead.assigned_to is distinct from me.id and me.role = 'rep' then
    raise exception 'lead_id: the lead is not assigned to you' using errcode = '42501';
  end if;

  insert into public.dispositions (id, lead_id, org_id, rep_id, outcome, notes, callback_at, channel, occurred_at)
  values (item_id, lead.id, lead.org_id, me.id, item_outcome, item_notes, item_callback_at, item_channel, item_occurred_at)
  on conflict (id) do nothing
  returning id into inserted_id;
  if inserted_id is null then
    -- The same id arrived concurrently from another request, which won.
    select * into existing from public.dispositions d where d.id = item_id;
    if existing.rep_id = me.id and existing.lead_id = lead.id then
      return jsonb_build_object('id', item_id, 'status', 'duplicate', 'error', null);
    end if;
    raise exception 'id: already used by another disposition' using errcode = '23505';
  end if;

  select * into sla_policy from public.sla_policies p where p.id = lead.sla_policy_id;
  attempts := lead.attempt_count + 1;
  unanswered := item_outcome in ('no_answer', 'voicemail');
  -- Without a policy: three attempts, a business day apart on a 24/7 clock.
  exhausted := unanswered and attempts >= coalesce(sla_policy.max_attempts, 3);
  next_status := private.status_after_outcome(lead.status, item_outcome, exhausted);
  if unanswered and not exhausted and next_status not in ('disqualified', 'nurture', 'converted') then
    cadence := coalesce(sla_policy.cadence_minutes, '{1440}');
    -- The gap after attempt n is cadence[n]; the last gap repeats.
    next_attempt := private.business_add_minutes(
      sla_policy.calendar_id, item_occurred_at, cadence[least(attempts, cardinality(cadence))]);
  end if;

  update public.leads l
  set status = next_status,
      attempt_count = attempts,
      first_contact_at = least(l.first_contact_at, item_occurred_at),
      next_attempt_at = next_attempt,
      callback_at = item_callback_at,
      sla_state = case
        when l.sla_state <> 'running' then l.sla_state
        when l.sla_due_at is null or item_occurred_at <= l.sla_due_at then 'met'
        else 'breached' end,
      sla_breached_at = case
        when l.sla_state = 'running' and item_occurred_at > l.sla_due_at then coalesce(l.sla_breached_at, l.sla_due_at)
        else l.sla_breached_at end
  where l.id = lead.id;

  insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at, details)
  values (lead.id, lead.org_id, 'disposition', me.id, item_occurred_at, jsonb_strip_nulls(jsonb_build_object(
    'disposition_id', item_id, 'outcome', item_outcome, 'channel', item_channel, 'attempt', attempts,
    'next_attempt_at', next_attempt, 'callback_at', item_callback_at,
    'status', case when next_status <> lead.status then next_status end)));

  return jsonb_build_object('id', item_id, 'status', 'applied', 'error', null);
end
$$;
revoke execute on function private.apply_disposition(public.members, jsonb) from public;

/*
 * sync_dispositions(items): applies a batch of call outcomes logged on a device, in order, and
 * answers one result per item: {id, status: 'applied' | 'duplicate' | 'rejected', error}.
 *
 * Idempotent on the device-generated id: an id already stored for this rep and lead answers
 * 'duplicate' and changes nothing, so a replayed batch changes nothing and answers the same
 * for every item after the first delivery (applied -> duplicate, rejected stays rejected with the
 * same error while nothing else changes). The device drops 'applied' and 'duplicate' items
 * from its outbox and shows 'rejected' ones.
 *
 * Each item runs in its own subtransaction: a bad item is rejected with its own error
 * ("<field>: <problem>") and the rest of the batch is kept.
 *
 * Applying an outcome: status per private.status_after_outcome; attempt_count + 1;
 * first_contact_at (speed to lead) if earlier; an SLA clock still running stops as 'met' (or
 * 'breached' if the call came after the due time); no_answer/voicemail schedule next_attempt_at
 * per the policy's cadence in business minutes, and after max_attempts the lead goes to nurture;
 * callback_at is the item's (so a fulfilled callback is cleared); a 'disposition' event (and a
 * 'status_changed' event from the trigger) is appended. Only the lead's owner, or a manager or
 * admin of its organization, may log an outcome for it.
 */
create function public.sync_dispositions(items jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  me public.members := private.require_member();
  item jsonb;
  results jsonb := '[]';
begin
  if jsonb_typeof(items) is distinct from 'array' then
    raise exception 'items: must be a JSON array' using errcode = '22023';
  end if;
  if jsonb_array_length(items) > 1000 then
    raise exception 'items: at most 1000 per call' using errcode = '22023';
  end if;
  for item in select value from jsonb_array_elements(items) loop
    begin
      results := results || jsonb_build_array(private.apply_disposition(me, item));
    exception when others then
      results := results || jsonb_build_array(jsonb_build_object(
        'id', case when jsonb_typeof(item) = 'object' then item -> 'id' end,
        'status', 'rejected',
        'error', sqlerrm));
    end;
  end loop;
  return results;
end
$$;

/*
 * record_contact_attempt(id, lead_id, occurred_at, channel): the rep tapped "call" (or another
 * channel). Idempotent on the device-generated id. Sets first_contact_at (speed to lead) if this
 * is the earliest attempt, moves new/assigned/nurture leads to attempting, and stops the SLA
 * ladder: a running clock becomes 'met' (or 'breached' when the attempt came after the due
 * time). The attempt count is kept by dispositions, not here, so a call and its outcome count
 * once. Answers {id, status: 'applied' | 'duplicate', lead_id, first_contact_at, sla_state}.
 */
create function public.record_contact_attempt(
  id uuid, lead_id uuid, occurred_at timestamptz default null, channel public.contact_channel default 'phone'
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.members := private.require_member();
  attempt_at timestamptz := least(coalesce(record_contact_attempt.occurred_at, now()), now());
  prior public.lead_events;
  lead public.leads;
  event_id bigint;
begin
  if record_contact_attempt.id is null or record_contact_attempt.lead_id is null then
    raise exception 'id and lead_id are required' using errcode = '22023';
  end if;

  select * into prior from public.lead_events e where e.client_ref = record_contact_attempt.id;
  if found then
    if prior.type = 'contact_attempted' and prior.lead_id = record_contact_attempt.lead_id and prior.actor_id = me.id then
      select * into lead from public.leads l where l.id = prior.lead_id;
      return jsonb_build_object('id', prior.client_ref, 'status', 'duplicate', 'lead_id', lead.id,
                                'first_contact_at', lead.first_contact_at, 'sla_state', lead.sla_state);
    end if;
    raise exception 'id: already used' using errcode = '23505';
  end if;

  select * into lead from public.leads l where l.id = record_contact_attempt.lead_id for update;
  if not found or lead.org_id <> me.org_id then
    raise exception 'lead_id: no such lead' using errcode = 'PT404';
  end if;
  if lead.assigned_to is distinct from me.id and me.role = 'rep' then
    raise exception 'lead_id: the lead is not assigned to you' using errcode = '42501';
  end if;

  insert into public.lead_events (lead_id, org_id, type, actor_id, client_ref, occurred_at, details)
  values (lead.id, lead.org_id, 'contact_attempted', me.id, record_contact_attempt.id, attempt_at,
          jsonb_strip_nulls(jsonb_build_object(
            'channel', coalesce(record_contact_attempt.channel, 'phone'),
            'first', lead.first_contact_at is null or attempt_at < lead.first_contact_at,
            'sla', case when lead.sla_state = 'running' then
                     case when lead.sla_due_at is null or attempt_at <= lead.sla_due_at then 'met' else 'breached' end
                   end)))
  on conflict (client_ref) where client_ref is not null do nothing
  returning id into event_id;
  if event_id is null then
    -- The same id arrived concurrently and was recorded by the other request.
    return jsonb_build_object('id', record_contact_attempt.id, 'status', 'duplicate', 'lead_id', lead.id,
                              'first_contact_at', lead.first_contact_at, 'sla_state', lead.sla_state);
  end if;

  update public.leads l
  set first_contact_at = least(l.first_contact_at, attempt_at),
      status = case when l.status in ('new', 'assigned', 'nurture') then 'attempting'::public.lead_status else l.status end,
      sla_state = case
        when l.sla_state <> 'running' then l.sla_state
        when l.sla_due_at is null or attempt_at <= l.sla_due_at then 'met'
        else 'breached' end,
      sla_breached_at = case
        when l.sla_state = 'running' and attempt_at > l.sla_due_at then coalesce(l.sla_breached_at, l.sla_due_at)
        else l.sla_breached_at end
  where l.id = lead.id
  returning l.* into lead;

  return jsonb_build_object('id', record_contact_attempt.id, 'status', 'applied', 'lead_id', lead.id,
                            'first_contact_at', lead.first_contact_at, 'sla_state', lead.sla_state);
end
$$;

-- set_availability(status): the caller's own availability (on_shift, break, off); routing reads it.
create function public.set_availability(status public.member_availability) returns public.members
language plpgsql volatile security definer set search_path = '' as $$
declare
  me public.members := private.require_member();
begin
  if set_availability.status is null then
    raise exception 'status: must be one of on_shift, break, off' using errcode = '22023';
  end if;
  update public.members m
  set availability = set_availability.status,
      availability_changed_at = case when m.availability = set_availability.status then m.availability_changed_at else now() end
  where m.id = me.id
  returning m.* into me;
  return me;
end
$$;

-- register_push_subscription(...): stores the caller's browser subscription. An endpoint already
-- stored for someone else moves to the caller (the same browser, a different person signed in).
create function public.register_push_subscription(
  endpoint text, p256dh text, auth text, user_agent_label text default null
) returns public.push_subscriptions
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.members := private.require_member();
  subscription public.push_subscriptions;
begin
  insert into public.push_subscriptions as s (member_id, org_id, endpoint, p256dh, auth, user_agent_label)
  values (me.id, me.org_id, register_push_subscription.endpoint, register_push_subscription.p256dh,
          register_push_subscription.auth, nullif(btrim(register_push_subscription.user_agent_label), ''))
  on conflict (endpoint) do update
  set member_id = excluded.member_id,
      org_id = excluded.org_id,
      p256dh = excluded.p256dh,
      auth = excluded.auth,
      user_agent_label = excluded.user_agent_label,
      failure_count = 0,
      created_at = case when s.member_id = excluded.member_id then s.created_at else now() end,
      last_success_at = case when s.member_id = excluded.member_id then s.last_success_at end
  returning s.* into subscription;
  return subscription;
end
$$;

-- remove_push_subscription(endpoint): forgets one of the caller's own subscriptions; true if it existed.
create function public.remove_push_subscription(endpoint text) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.members := private.require_member();
begin
  delete from public.push_subscriptions s
  where s.endpoint = remove_push_subscription.endpoint and s.member_id = me.id;
  return found;
end
$$;

/*
 * reassign_lead(lead_id, to_member_id, reason): a manager or admin gives a lead of their
 * organization to an active member of it (themselves to take it over). The lead leaves the
 * fallback queue, joins the new owner's team, keeps its SLA due time, and its reminder is re-armed
 * for the new owner; a 'reassigned' event records who, from whom, to whom and why.
 */
create function public.reassign_lead(lead_id uuid, to_member_id uuid, reason text default null)
returns public.leads
language plpgsql volatile security definer set search_path = '' as $$
#variable_conflict use_column
declare
  me public.members := private.require_member();
  lead public.leads;
  target public.members;
  previous_owner uuid;
begin
  if me.role not in ('manager', 'admin') then
    raise exception 'only a manager or admin may reassign leads' using errcode = '42501';
  end if;
  select * into lead from public.leads l where l.id = reassign_lead.lead_id for update;
  if not found or lead.org_id <> me.org_id then
    raise exception 'lead_id: no such lead' using errcode = 'PT404';
  end if;
  select * into target from public.members m
  where m.id = reassign_lead.to_member_id and m.org_id = me.org_id and m.active;
  if not found then
    raise exception 'to_member_id: no active member of your organization' using errcode = '22023';
  end if;
  if lead.assigned_to is not distinct from target.id and not lead.in_fallback_queue then
    return lead;
  end if;

  previous_owner := lead.assigned_to;
  update public.leads l
  set assigned_to = target.id,
      assigned_at = now(),
      in_fallback_queue = false,
      team_id = coalesce(target.team_id, l.team_id),
      status = case when l.status = 'new' then 'assigned'::public.lead_status else l.status end,
      sla_reminded_at = case when l.sla_state = 'running' then null else l.sla_reminded_at end
  where l.id = lead.id
  returning l.* into lead;

  insert into public.lead_events (lead_id, org_id, type, actor_id, details)
  values (lead.id, lead.org_id, 'reassigned', me.id, jsonb_strip_nulls(jsonb_build_object(
    'from', previous_owner, 'to', target.id, 'reason', nullif(btrim(reassign_lead.reason), ''), 'via', 'manager')));
  return lead;
end
$$;

revoke execute on function
  public.next_lead(),
  public.queue_summary(),
  public.sync_dispositions(jsonb),
  public.record_contact_attempt(uuid, uuid, timestamptz, public.contact_channel),
  public.set_availability(public.member_availability),
  public.register_push_subscription(text, text, text, text),
  public.remove_push_subscription(text),
  public.reassign_lead(uuid, uuid, text)
  from public, anon, service_role;
grant execute on function
  public.next_lead(),
  public.queue_summary(),
  public.sync_dispositions(jsonb),
  public.record_contact_attempt(uuid, uuid, timestamptz, public.contact_channel),
  public.set_availability(public.member_availability),
  public.register_push_subscription(text, text, text, text),
  public.remove_push_subscription(text),
  public.reassign_lead(uuid, uuid, text)
  to authenticated;
