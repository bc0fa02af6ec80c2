-- Tells a member, live, that a lead was taken away from them. Realtime checks postgres_changes
-- against RLS on the row as it is after the change (hosted Supabase Realtime and the local stack
-- alike), so once a lead is someone else's its old owner can no longer see it and gets no event.
-- A trigger on leads writes a notice row the old owner can read whenever assigned_to moves away
-- from them, whatever the path (reassign_lead(), the SLA escalator, routing, ingest re-engagement,
-- a member removed); the PWA subscribes to INSERTs of its own notices.

create table public.member_lead_notices (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- No foreign keys to members or leads: a member's removal sets their leads' owner to null,
  -- which writes a notice for a member already gone, and a key check on the lead would lock the
  -- row the update just rewrote. Rows are short-lived (see the pruning below).
  member_id uuid not null,
  lead_id uuid not null,
  kind text not null default 'taken_away' check (kind in ('taken_away')),
  -- reassigned: another member owns it; escalated: moved to the fallback queue; unassigned:
  -- back in the team pool with no owner.
  reason text not null check (reason in ('reassigned', 'escalated', 'unassigned')),
  created_at timestamptz not null default now()
);
alter table public.member_lead_notices enable row level security;
comment on table public.member_lead_notices is
  'Leads taken away from a member (reassigned, escalated, unassigned), written by a trigger on leads for the member''s live notice; kept about a day.';

create index member_lead_notices_member_idx on public.member_lead_notices (member_id, created_at);
create index member_lead_notices_created_idx on public.member_lead_notices (created_at);

revoke all on table public.member_lead_notices from anon, authenticated;
grant select on public.member_lead_notices to authenticated;
create policy "members read the notices addressed to them" on public.member_lead_notices
  for select to authenticated
  using (member_id = (select auth.uid()) and org_id = (select private.current_org_id()));

create function private.note_lead_taken_away() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.member_lead_notices (org_id, member_id, lead_id, reason)
  values (new.org_id, old.assigned_to, new.id,
          case when new.assigned_to is null then 'unassigned'
               when new.in_fallback_queue and not old.in_fallback_queue then 'escalated'
               else 'reassigned' end);
  return null;
end
$$;

-- The WHEN clause is evaluated without calling the function, so bulk updates that keep the
-- owner (the escalator's breach step mostly does) pay nothing per row.
create trigger leads_note_taken_away after update of assigned_to on public.leads
  for each row
  when (old.assigned_to is not null and old.assigned_to is distinct from new.assigned_to)
  execute function private.note_lead_taken_away();

-- Retention: a notice matters only while the member's phone is open to receive it (a phone that
-- was away reloads its queue anyway), so rows older than a day go. Pruned once per statement
-- that may move owners, a bounded batch of the oldest through the created_at index: one index
-- probe when nothing is due, never a long delete inside someone's reassignment. Rows another
-- transaction is pruning are skipped rather than waited for.
create function private.prune_member_lead_notices() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.member_lead_notices n
  where n.id in (select o.id from public.member_lead_notices o
                 where o.created_at < now() - interval '1 day'
                 order by o.created_at
                 limit 100
                 for update skip locked);
  return null;
end
$$;

create trigger leads_prune_member_lead_notices after update of assigned_to on public.leads
  for each statement execute function private.prune_member_lead_notices();

revoke execute on function private.note_lead_taken_away(), private.prune_member_lead_notices()
  from public, anon, authenticated;

alter publication supabase_realtime add table public.member_lead_notices;
