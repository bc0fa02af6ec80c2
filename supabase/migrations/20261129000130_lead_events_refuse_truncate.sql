-- lead_events is append-only (20261123000400): the row trigger refuses UPDATE and DELETE for
-- everyone, but TRUNCATE fires no row triggers and would empty the trail at once (also through
-- TRUNCATE leads ... CASCADE). A statement trigger refuses it for every role, owner included.
create function private.refuse_lead_events_truncate() returns trigger
language plpgsql set search_path = '' as $$
begin
  raise exception 'lead_events is append-only: TRUNCATE refused'
    using errcode = '42501', hint = 'Delete the leads to erase their events.';
end
$$;
revoke execute on function private.refuse_lead_events_truncate() from public, anon, authenticated, service_role;

create trigger lead_events_refuse_truncate before truncate on public.lead_events
  for each statement execute function private.refuse_lead_events_truncate();

comment on table public.lead_events is 'Append-only trail of everything that happens to a lead. Triggers refuse UPDATE, DELETE and TRUNCATE for every role, owner and superuser included; rows go only when their lead is deleted (erasure cascades).';
