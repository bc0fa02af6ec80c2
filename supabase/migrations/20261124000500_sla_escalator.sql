-- What the sla-escalator edge function needs beyond the leads' own SLA columns: indexes that find
-- each step's due work without reading every lead, and the record of callback reminders sent.
--
-- The ladder, per lead and assignment (see supabase/functions/sla-escalator/):
--   running, not reminded, remind time passed   -> reminded (sla_reminded_at)
--   running, due time passed                     -> breached (sla_breached_at = the due time), reassigned
--                                                   with a fresh clock (sla_started_at/sla_due_at) and
--                                                   sla_reminded_at cleared for the new owner
--   breached, not contacted since the breach,
--   escalate_factor x the window passed          -> escalated (sla_escalated_at), fallback queue
-- A contact attempt or disposition stops it: a running clock becomes 'met' (queue RPCs), and a
-- breached lead contacted since the breach has first_contact_at >= sla_breached_at or a
-- contact event after it.

-- Breached leads still climbing the ladder. A contact after the breach sets first_contact_at past
-- sla_breached_at (unless an earlier life of a re-engaged lead was contacted), which drops the
-- lead from this index; the escalator checks contact events for the rest.
create index leads_sla_escalation_idx on public.leads (sla_breached_at)
  where sla_state = 'breached' and sla_escalated_at is null
    and (first_contact_at is null or first_contact_at < sla_breached_at);

-- Clocks whose current owner has not been reminded yet.
create index leads_sla_remind_idx on public.leads (sla_started_at)
  where sla_reminded_at is null and sla_state in ('running', 'breached') and not in_fallback_queue
    and (sla_state = 'running' or first_contact_at is null or first_contact_at < sla_breached_at);

-- Callbacks coming due, oldest first.
create index leads_callback_due_idx on public.leads (callback_at) where callback_at is not null;

-- One reminder per lead and callback time, whichever escalator run sends it: the primary key is
-- what makes it exactly once. A new callback time is a new reminder.
create table private.callback_reminders (
  lead_id uuid not null references public.leads (id) on delete cascade,
  callback_at timestamptz not null,
  reminded_at timestamptz not null,
  primary key (lead_id, callback_at)
);
comment on table private.callback_reminders is 'Callback reminders the sla-escalator has sent: one per lead and callback time.';
