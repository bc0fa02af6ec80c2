-- Call outcomes (sync_dispositions -> private.apply_disposition), four corrections:
--
-- 1. Follow-up cadence: only unanswered calls (no_answer, voicemail) since the lead was last
--    reached count toward the policy's max_attempts, as its comment says. Every outcome used to
--    count, so connected -> callback -> one no_answer sent a lead to nurture. A missed call on a
--    lead with a callback arranged never sends it to nurture; it is tried again per the cadence.
-- 2. A replay whose lead_id is spelled in upper case is a 'duplicate' (uuids compared as uuids,
--    not as text). Every result answers the item's id as the device sent it, so the device finds
--    its own item whatever the spelling.
-- 3. An outcome that occurred before the lead's latest stored outcome (a late sync) is stored,
--    counted as an attempt and evented, but leaves the lead's newer status, callback and next
--    attempt as they are.
-- 4. An outcome a rep logged (offline) for a lead that was then moved away from them is kept: it
--    is stored and evented, counts as an attempt and can set the first contact time and stop the
--    SLA clock (the call happened), but the lead's owner, status, callback and next attempt stay
--    as they are. The new owner works the lead now, and an outcome from the former owner's phone
--    would reschedule or close it behind their back; the disposition and its event show them
--    (and the manager) what happened. "Moved away" means an ownership event of the lead names the
--    rep as 'from' (reassign_lead, next_lead's claim, the escalator); a rep who never held the
--    lead is still refused.
-- The 'disposition' event says which of 3 and 4 applied in details.lead_unchanged
-- ('older_than_latest_outcome', 'reassigned_away'), and the unanswered count in
-- details.unanswered_in_a_row.
--
-- A late outcome is compared with every stored outcome of the lead, including one kept under 4:
-- a former owner's call made after the new owner's still counts as the newer call.

create or replace function private.apply_disposition(me public.members, item jsonb) returns jsonb
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
  unanswered_in_a_row integer;
  exhausted boolean;
  latest_outcome_at timestamptz;
  lead_unchanged text;
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
    -- Compared as uuids: a device may spell the id in upper case.
    if existing.rep_id = me.id and pg_input_is_valid(item ->> 'lead_id', 'uuid')
       and existing.lead_id = (item ->> 'lead_id')::uuid then
      return jsonb_build_object('id', item -> 'id', 'status', 'duplicate', 'error', null);
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
    -- Logged on a phone that still had the lead (offline) before it was moved to someone else:
    -- the call happened, so it is kept, but the lead is left to its new owner (see the
    -- header of 20261129000120).
    if not exists (
      select 1 from public.lead_events e
      where e.lead_id = lead.id and e.type in ('assigned', 'reassigned', 'escalated', 'fallback_queued', 'unassigned')
        and e.details ->> 'from' = me.id::text) then
      raise exception 'lead_id: the lead is not assigned to you' using errcode = '42501';
    end if;
    lead_unchanged := 'reassigned_away';
  end if;

  -- The outcome of a call made before the lead's latest stored one (two phones, or a phone that
  -- synced late) is history: it must not undo the newer status, callback or next attempt.
  select max(d.occurred_at) into latest_outcome_at from public.dispositions d where d.lead_id = lead.id;
  if lead_unchanged is null and item_occurred_at < latest_outcome_at then
    lead_unchanged := 'older_than_latest_outcome';
  end if;

  insert into public.dispositions (id, lead_id, org_id, rep_id, outcome, notes, callback_at, channel, occurred_at)
  values (item_id, lead.id, lead.org_id, me.id, item_outcome, item_notes, item_callback_at, item_channel, item_occurred_at)
  on conflict (id) do nothing
  returning id into inserted_id;
  if inserted_id is null then
    -- The same id arrived concurrently from another request, which won.
    select * into existing from public.dispositions d where d.id = item_id;
    if existing.rep_id = me.id and existing.lead_id = lead.id then
      return jsonb_build_object('id', item -> 'id', 'status', 'duplicate', 'error', null);
    end if;
    raise exception 'id: already used by another disposition' using errcode = '23505';
  end if;

  select * into sla_policy from public.sla_policies p where p.id = lead.sla_policy_id;
  attempts := lead.attempt_count + 1;
  unanswered := item_outcome in ('no_answer', 'voicemail');
  if lead_unchanged is null then
    if unanswered then
      -- The follow-up cadence counts unanswered calls since the lead was last reached (its latest
      -- answered outcome, or when it was first reached if that is later), this one included:
      -- a conversation, a booked callback or a meeting starts the count again.
      select count(*) into unanswered_in_a_row
      from public.dispositions d
      where d.lead_id = lead.id and d.outcome in ('no_answer', 'voicemail') and d.occurred_at <= item_occurred_at
        and d.occurred_at > coalesce(greatest(lead.contacted_at, (
              select max(a.occurred_at) from public.dispositions a
              where a.lead_id = lead.id and a.outcome not in ('no_answer', 'voicemail'))), '-infinity');
    end if;
    -- Without a policy: three attempts, a business day apart on a 24/7 clock. A lead with a
    -- callback arranged is not given up on when that one call is missed.
    exhausted := unanswered and unanswered_in_a_row >= coalesce(sla_policy.max_attempts, 3) and lead.callback_at is null;
    next_status := private.status_after_outcome(lead.status, item_outcome, exhausted);
    if unanswered and not exhausted and next_status not in ('disqualified', 'nurture', 'converted') then
      cadence := coalesce(sla_policy.cadence_minutes, '{1440}');
      -- The gap after the n-th unanswered call in a row is cadence[n]; the last gap repeats.
      next_attempt := private.business_add_minutes(
        sla_policy.calendar_id, item_occurred_at, cadence[least(unanswered_in_a_row, cardinality(cadence))]);
    end if;
  else
    next_status := lead.status;
  end if;

  -- The attempt, the first contact time and the SLA clock are facts about the call, kept in every
  -- case; status, next attempt and callback only when this outcome is the lead's current word.
  update public.leads l
  set status = next_status,
      attempt_count = attempts,
      first_contact_at = least(l.first_contact_at, item_occurred_at),
      next_attempt_at = case when lead_unchanged is null then next_attempt else l.next_attempt_at end,
      callback_at = case when lead_unchanged is null then item_callback_at else l.callback_at end,
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
    'unanswered_in_a_row', unanswered_in_a_row, 'next_attempt_at', next_attempt, 'callback_at', item_callback_at,
    'status', case when next_status <> lead.status then next_status end, 'lead_unchanged', lead_unchanged)));

  return jsonb_build_object('id', item -> 'id', 'status', 'applied', 'error', null);
end
$$;
