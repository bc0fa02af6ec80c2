-- leads_org_sla_open_idx (org_id, sla_due_at) served the manager board's at-risk list; the board now
-- reads leads_org_sla_risk_idx and leads_org_breached_idx (20261125000100), and no other query
-- filters an organization's open clocks by due time. Every lead written with a running, breached
-- or escalated clock still paid for an entry in it: 10,000 of them per large escalator run.
drop index public.leads_org_sla_open_idx;
