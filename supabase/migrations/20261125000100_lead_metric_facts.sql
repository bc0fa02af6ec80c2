-- Facts the manager's metrics read, stored on the lead when they happen rather than worked out in
-- every query: speed to lead in business time (a calendar walk per lead is far too slow for 30
-- days of leads) and in calendar time, and when the lead was first reached. Plus the indexes the
-- manager board and the metrics filter on.
--
-- Speeds are whole seconds: integers sort several times faster than numeric or floating point,
-- and a month of leads is sorted for every percentile the metrics show.

alter table public.leads
  add column speed_to_lead_business_seconds integer check (speed_to_lead_business_seconds >= 0),
  add column speed_to_lead_calendar_seconds integer check (speed_to_lead_calendar_seconds >= 0),
  add column contacted_at timestamptz;
comment on column public.leads.speed_to_lead_business_seconds is
  'Speed to lead: seconds of business time from capture (created_at) to the first contact attempt (first_contact_at) on the calendar of the lead''s SLA policy (24/7 without one). Kept by a trigger.';
comment on column public.leads.speed_to_lead_calendar_seconds is
  'Speed to lead in calendar time: seconds from capture to the first contact attempt. Kept by a trigger.';
comment on column public.leads.contacted_at is
  'When the lead was first reached (a conversation, not just an attempt): the earliest disposition with a reached outcome, or the first move into contacted/qualified/converted. Kept by triggers.';

-- Outcomes that mean someone actually spoke with the lead.
create function private.outcome_reached(outcome public.disposition_outcome) returns boolean
language sql immutable parallel safe
return outcome in ('connected', 'callback', 'meeting_booked', 'qualified', 'not_interested');

-- Business seconds from capture to first contact on the calendar of `policy_id` (24/7 without
-- one), rounded. A contact logged before the capture (a device clock behind) counts as immediate.
create function private.speed_to_lead_business_seconds(policy_id uuid, captured_at timestamptz, first_contact_at timestamptz)
returns integer
language sql stable set search_path = '' as $$
  select round(60 * private.business_minutes_between(
    (select p.calendar_id from public.sla_policies p where p.id = policy_id),
    captured_at, greatest(captured_at, first_contact_at)))::integer
$$;

-- Security definer: the trigger reads policies and calendars whoever writes the lead.
create function private.keep_speed_to_lead() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.first_contact_at is null then
    new.speed_to_lead_business_seconds := null;
    new.speed_to_lead_calendar_seconds := null;
  elsif tg_op = 'INSERT'
     or new.first_contact_at is distinct from old.first_contact_at
     or new.created_at is distinct from old.created_at
     or new.sla_policy_id is distinct from old.sla_policy_id then
    new.speed_to_lead_business_seconds := private.speed_to_lead_business_seconds(new.sla_policy_id, new.created_at, new.first_contact_at);
    new.speed_to_lead_calendar_seconds := round(greatest(0, extract(epoch from new.first_contact_at - new.created_at)))::integer;
  end if;
  return new;
end
$$;
create trigger leads_keep_speed_to_lead before insert or update of first_contact_at, created_at, sla_policy_id
  on public.leads for each row execute function private.keep_speed_to_lead();

-- A status that can only follow a conversation marks the lead reached, if no outcome did already
-- (a rep moving the status by hand).
create function private.mark_reached_by_status() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.contacted_at is null and new.status in ('contacted', 'qualified', 'converted') then
    new.contacted_at := now();
  end if;
  return new;
end
$$;
create trigger leads_mark_reached_by_status before update of status on public.leads
  for each row when (new.status is distinct from old.status)
  execute function private.mark_reached_by_status();

-- Runs before sync_dispositions updates the lead (it inserts the disposition first), so the
-- outcome's own time wins over the status trigger's now().
create function private.mark_reached_by_outcome() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.leads l
  set contacted_at = new.occurred_at
  where l.id = new.lead_id and (l.contacted_at is null or l.contacted_at > new.occurred_at);
  return null;
end
$$;
create trigger dispositions_mark_reached after insert on public.dispositions
  for each row when (private.outcome_reached(new.outcome))
  execute function private.mark_reached_by_outcome();

revoke execute on function
  private.outcome_reached(public.disposition_outcome),
  private.speed_to_lead_business_seconds(uuid, timestamptz, timestamptz),
  private.keep_speed_to_lead(),
  private.mark_reached_by_status(),
  private.mark_reached_by_outcome()
  from public, anon, authenticated, service_role;

-- Leads that existed before these columns.
update public.leads l
set speed_to_lead_business_seconds = private.speed_to_lead_business_seconds(l.sla_policy_id, l.created_at, l.first_contact_at),
    speed_to_lead_calendar_seconds = round(greatest(0, extract(epoch from l.first_contact_at - l.created_at)))::integer
where l.first_contact_at is not null;
update public.leads l
set contacted_at = reached.first_at
from (
  select d.lead_id, min(d.occurred_at) as first_at
  from public.dispositions d
  where private.outcome_reached(d.outcome)
  group by d.lead_id
) as reached
where reached.lead_id = l.id;

-- The SLA window's last quarter starts here: the board's "at risk" line. Epoch arithmetic keeps it
-- independent of the session's time zone, so it can be indexed.
create function private.sla_risk_at(started_at timestamptz, due_at timestamptz) returns timestamptz
language sql immutable parallel safe
return to_timestamp(extract(epoch from due_at) - (extract(epoch from due_at) - extract(epoch from started_at)) / 4);
grant execute on function private.sla_risk_at(timestamptz, timestamptz) to authenticated, service_role;
revoke execute on function private.sla_risk_at(timestamptz, timestamptz) from public, anon;

-- Board: running clocks by when they turn at risk (the at-risk list, and when to look again).
create index leads_org_sla_risk_idx on public.leads (org_id, private.sla_risk_at(sla_started_at, sla_due_at))
  where sla_state = 'running' and status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not is_spam;
-- Board: breached leads nobody has tried yet.
create index leads_org_breached_idx on public.leads (org_id, sla_breached_at)
  where sla_breached_at is not null and first_contact_at is null
    and status in ('new', 'assigned', 'attempting') and not is_spam;
-- Board: leads without an owner, or waiting in the fallback queue.
create index leads_org_unowned_idx on public.leads (org_id, created_at)
  where (assigned_to is null or in_fallback_queue) and status in ('new', 'assigned', 'attempting') and not is_spam;
-- Metrics: the period's leads with every column the figures read, so a month of leads is one
-- index-only scan rather than thousands of heap pages.
create index leads_org_metrics_idx on public.leads (org_id, created_at)
  include (assigned_to, source_id, tier, status, first_contact_at, speed_to_lead_business_seconds,
           speed_to_lead_calendar_seconds, contacted_at,
           attempt_count, sla_due_at, sla_breached_at, sla_escalated_at)
  where not is_spam;
-- Metrics: open leads by age.
create index leads_org_open_idx on public.leads (org_id, created_at)
  where status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not is_spam;
-- Board: each member's last activity.
create index lead_events_actor_idx on public.lead_events (actor_id, occurred_at desc) where actor_id is not null;
