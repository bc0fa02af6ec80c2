-- The taken-away notices (20261129000400) written once per statement and member instead of once
-- per lead. The row trigger called a function and inserted a row, with its organization key
-- check, for every lead whose owner moved: 0.05-0.1 ms a lead (a scratch run of 10,000 leads
-- reassigned in one statement: 640 ms without it, 1,100-1,500 ms with it), and as many realtime
-- changes to check and send. Now one INSERT ... SELECT per UPDATE statement on leads reads the
-- statement's old rows (a transition table) beside the leads as they are now, and writes one
-- notice per member and reason listing up to 100 leads: an escalator run that moves 10,000 leads
-- of 20 reps writes about 100 rows, not 10,000.
--
-- No key to organizations any more: the check ran per inserted row; a removed organization's
-- notices (ids and a reason, nothing personal) go with the daily pruning.

drop trigger leads_note_taken_away on public.leads;
drop trigger leads_prune_member_lead_notices on public.leads;
drop function private.note_lead_taken_away();
drop function private.prune_member_lead_notices();
alter table public.member_lead_notices drop constraint member_lead_notices_org_id_fkey;
alter table public.member_lead_notices add column lead_ids uuid[];
update public.member_lead_notices set lead_ids = array[lead_id];
alter table public.member_lead_notices
  alter column lead_ids set not null,
  add constraint member_lead_notices_lead_ids_check check (cardinality(lead_ids) between 1 and 100),
  drop column lead_id;

create function private.note_leads_taken_away() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  written bigint;
begin
  with moved as (
    select l.org_id, o.assigned_to as member_id, l.id as lead_id,
           case when l.assigned_to is null then 'unassigned'
                when l.in_fallback_queue and not o.in_fallback_queue then 'escalated'
                else 'reassigned' end as reason
    from old_rows o
    join public.leads l on l.id = o.id
    where o.assigned_to is not null and l.assigned_to is distinct from o.assigned_to
  ),
  -- Batches of 100 keep each realtime message small.
  batched as (
    select m.*, (row_number() over (partition by m.member_id, m.reason order by m.lead_id) - 1) / 100 as batch
    from moved m
  )
  insert into public.member_lead_notices (org_id, member_id, lead_ids, reason)
  select b.org_id, b.member_id, array_agg(b.lead_id order by b.lead_id), b.reason
  from batched b
  group by b.org_id, b.member_id, b.reason, b.batch;
  get diagnostics written = row_count;
  -- Retention, only when something was written: notices matter while the member's phone is open
  -- to receive them (a phone that was away reloads its queue), so those older than a day go, a
  -- bounded batch of the oldest through the created_at index. Rows another transaction is
  -- pruning are skipped, not waited for.
  if written > 0 then
    delete from public.member_lead_notices n
    where n.id in (select p.id from public.member_lead_notices p
                   where p.created_at < now() - interval '1 day'
                   order by p.created_at
                   limit greatest(100, written)
                   for update skip locked);
  end if;
  return null;
end
$$;
revoke execute on function private.note_leads_taken_away() from public, anon, authenticated;

-- Transition tables cannot be limited to a column list: every UPDATE statement on leads fires
-- it, and a statement that moves no owner pays one join that finds nothing.
create trigger leads_note_taken_away after update on public.leads
  referencing old table as old_rows
  for each statement execute function private.note_leads_taken_away();

comment on table public.member_lead_notices is
  'Leads taken away from a member (reassigned, escalated, unassigned), written once per UPDATE statement on leads, member and reason (up to 100 leads a row) for the member''s live notice; kept about a day.';
comment on column public.member_lead_notices.lead_ids is 'The leads one statement took away from the member for this reason (at most 100; more make more rows).';
