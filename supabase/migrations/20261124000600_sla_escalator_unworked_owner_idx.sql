-- The sla-escalator's reroute step: unworked leads (new or assigned, not spam, not in the fallback
-- queue) by owner, with the team they belong to, read without touching the table. It finds the
-- leads of a rep who is away (by owner) and of a rep no longer in the lead's team (team differs).
-- Partial: there are few unworked leads per rep (at most their capacity, as routing gives them).
create index leads_unworked_owner_idx on public.leads (assigned_to, team_id, id)
  where status in ('new', 'assigned') and not is_spam and not in_fallback_queue;
