-- The dispositions_mark_reached trigger's WHEN clause calls private.outcome_reached() as the
-- writing role, and 20261125000100 revoked it from service_role, so the edge functions' key could
-- not insert a reached outcome ('connected', ...) although it holds the table privilege: the
-- insert failed with "permission denied for function outcome_reached". The function is a pure
-- test of an enum value.
grant execute on function private.outcome_reached(public.disposition_outcome) to service_role;
