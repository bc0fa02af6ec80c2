-- Two indexes nothing reads, which every write into them pays for.
--
-- lead_events_org_type_idx (org_id, type, occurred_at): no query filters an organization's events
-- by type (the manager metrics read facts kept on the lead since 20261125000100, the apps read a
-- lead's trail by lead_id); an organization's events by time still have lead_events_org_idx. Each
-- event paid a fourth index entry for it: 20,000 of them when the escalator breaches 10,000 leads.
drop index public.lead_events_org_type_idx;

-- leads_org_fallback_idx (org_id, created_at) where in_fallback_queue: every query that looks for
-- an organization's fallback queue asks for unowned or queued leads together, which
-- leads_org_unowned_idx (20261125000100) serves on the same key. Every lead escalated to the
-- fallback queue paid an entry in both.
drop index public.leads_org_fallback_idx;
