-- updated_at on leads: the trigger now runs only for rows whose UPDATE left updated_at alone.
-- A statement that rewrites thousands of leads at once (the sla-escalator's breach and escalation
-- steps) sets updated_at = now() itself, and is spared a call of the trigger function per row:
-- a PL/pgSQL call with its own search_path setting, the largest cost of those rows after their
-- index entries. Only trusted writers can set the column: the API grants no update of it.
drop trigger leads_touch_updated_at on public.leads;
create trigger leads_touch_updated_at before update on public.leads
  for each row when (new.updated_at is not distinct from old.updated_at)
  execute function private.touch_updated_at();
