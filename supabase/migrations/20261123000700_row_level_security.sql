-- Who may do what, through the API. Row-level security was switched on (deny all) where each
-- table was created; here are the grants and the policies.
--
--   anon          nothing at all (leads enter only through the ingest function, as service_role)
--   rep           reads their organization's directory (organization, teams, members, calendars,
--                 SLA policies, sources without key hashes); reads and updates their own leads and
--                 the claimable pool leads of their team; reads the events of those leads, their
--                 own dispositions and their own push subscriptions; writes notes; the rest
--                 through the RPCs
--   manager       reads everything of their organization except source key hashes and other
--                 members' push subscriptions; reassigns with reassign_lead()
--   admin         a manager who also edits the configuration and the members
--   service_role  bypasses row-level security (edge functions)
-- Nobody reads or writes across organizations: every policy pins org_id to the caller's.
-- Calls to the helpers are wrapped in (select ...) so they run once per statement.

revoke all on table
  public.organizations, public.teams, public.members, public.business_calendars, public.lead_sources,
  public.sla_policies, public.routing_rules, public.round_robin_state, public.accounts, public.leads,
  public.lead_status_transitions, public.lead_events, public.dispositions, public.outbound_messages,
  public.ingest_requests, public.push_subscriptions
  from anon, authenticated;
-- The trail is append-only for the edge functions too (the trigger refuses it for everyone).
revoke update, delete, truncate on table public.lead_events from service_role;

-- Organization directory -------------------------------------------------------------------

grant select on public.organizations to authenticated;
grant update (name, time_zone) on public.organizations to authenticated;
create policy "members read their organization" on public.organizations
  for select to authenticated using (id = (select private.current_org_id()));
create policy "admins update their organization" on public.organizations
  for update to authenticated
  using (id = (select private.admin_org_id())) with check (id = (select private.admin_org_id()));

grant select, insert, update, delete on public.teams to authenticated;
create policy "members read their organization's teams" on public.teams
  for select to authenticated using (org_id = (select private.current_org_id()));
create policy "admins add teams" on public.teams
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins update teams" on public.teams
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins delete teams" on public.teams
  for delete to authenticated using (org_id = (select private.admin_org_id()));

-- Members edit their own profile; which columns a non-admin may change is enforced by the
-- trigger members_guard_update.
grant select, insert, delete on public.members to authenticated;
grant update (team_id, role, full_name, email, phone, time_zone, territories, skills, languages, capacity,
              availability, working_hours, active, push_warm) on public.members to authenticated;
create policy "members read their organization's members" on public.members
  for select to authenticated using (org_id = (select private.current_org_id()));
create policy "members update themselves" on public.members
  for update to authenticated
  using (id = (select auth.uid()) and org_id = (select private.current_org_id()))
  with check (id = (select auth.uid()) and org_id = (select private.current_org_id()));
create policy "admins update members" on public.members
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins add members" on public.members
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins delete members" on public.members
  for delete to authenticated using (org_id = (select private.admin_org_id()));

-- Configuration ----------------------------------------------------------------------------

grant select, insert, update, delete on public.business_calendars, public.sla_policies,
  public.routing_rules, public.accounts to authenticated;

create policy "members read calendars" on public.business_calendars
  for select to authenticated using (org_id = (select private.current_org_id()));
create policy "admins add calendars" on public.business_calendars
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins update calendars" on public.business_calendars
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins delete calendars" on public.business_calendars
  for delete to authenticated using (org_id = (select private.admin_org_id()));

create policy "members read SLA policies" on public.sla_policies
  for select to authenticated using (org_id = (select private.current_org_id()));
create policy "admins add SLA policies" on public.sla_policies
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins update SLA policies" on public.sla_policies
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins delete SLA policies" on public.sla_policies
  for delete to authenticated using (org_id = (select private.admin_org_id()));

create policy "managers read routing rules" on public.routing_rules
  for select to authenticated using (org_id = (select private.manager_org_id()));
create policy "admins add routing rules" on public.routing_rules
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins update routing rules" on public.routing_rules
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins delete routing rules" on public.routing_rules
  for delete to authenticated using (org_id = (select private.admin_org_id()));

create policy "managers read accounts" on public.accounts
  for select to authenticated using (org_id = (select private.manager_org_id()));
create policy "admins add accounts" on public.accounts
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins update accounts" on public.accounts
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins delete accounts" on public.accounts
  for delete to authenticated using (org_id = (select private.admin_org_id()));

-- Written by the ingest function only.
grant select on public.round_robin_state to authenticated;
create policy "managers read round-robin state" on public.round_robin_state
  for select to authenticated using (exists (
    select 1 from public.teams t where t.id = team_id and t.org_id = (select private.manager_org_id())));

-- Source keys: nobody reads key_hash through the API (not even admins, who set it when they
-- create or rotate a key). Select explicit columns: `select=*` is refused for lack of privilege.
grant select (id, org_id, team_id, name, channel, key_prefix, revoked_at, allowed_origins, default_tier,
              default_country, sla_policy_id, thank_you_url, ack_template, rate_limit_per_minute,
              created_at, updated_at) on public.lead_sources to authenticated;
grant insert (id, org_id, team_id, name, channel, key_hash, key_prefix, revoked_at, allowed_origins, default_tier,
              default_country, sla_policy_id, thank_you_url, ack_template, rate_limit_per_minute)
  on public.lead_sources to authenticated;
grant update (team_id, name, channel, key_hash, key_prefix, revoked_at, allowed_origins, default_tier,
              default_country, sla_policy_id, thank_you_url, ack_template, rate_limit_per_minute)
  on public.lead_sources to authenticated;
grant delete on public.lead_sources to authenticated;
create policy "members read sources" on public.lead_sources
  for select to authenticated using (org_id = (select private.current_org_id()));
create policy "admins add sources" on public.lead_sources
  for insert to authenticated with check (org_id = (select private.admin_org_id()));
create policy "admins update sources" on public.lead_sources
  for update to authenticated
  using (org_id = (select private.admin_org_id())) with check (org_id = (select private.admin_org_id()));
create policy "admins delete sources" on public.lead_sources
  for delete to authenticated using (org_id = (select private.admin_org_id()));

-- Leads ------------------------------------------------------------------------------------

-- Leads are created by the ingest function and assigned by routing, next_lead() and
-- reassign_lead(); through the API a member may move the status along the lifecycle, correct
-- the person's details and set a callback time.
grant select on public.leads to authenticated;
grant update (status, first_name, last_name, full_name, company, title, industry, company_size, country,
              region, product_interest, language, callback_at) on public.leads to authenticated;

create policy "reps read their own leads" on public.leads
  for select to authenticated
  using (assigned_to = (select auth.uid()) and org_id = (select private.current_org_id()));
create policy "reps read their team's claimable pool" on public.leads
  for select to authenticated
  using (team_id = (select private.current_team_id())
         and (assigned_to is null or in_fallback_queue)
         and status in ('new', 'assigned', 'attempting') and not is_spam);
create policy "managers read their organization's leads" on public.leads
  for select to authenticated using (org_id = (select private.manager_org_id()));

create policy "reps update their own leads" on public.leads
  for update to authenticated
  using (assigned_to = (select auth.uid()) and org_id = (select private.current_org_id()))
  with check (assigned_to = (select auth.uid()) and org_id = (select private.current_org_id()));
create policy "reps update their team's claimable pool" on public.leads
  for update to authenticated
  using (team_id = (select private.current_team_id())
         and (assigned_to is null or in_fallback_queue)
         and status in ('new', 'assigned', 'attempting') and not is_spam)
  with check (team_id = (select private.current_team_id())
              and (assigned_to is null or in_fallback_queue)
              and status in ('new', 'assigned', 'attempting') and not is_spam);
create policy "managers update their organization's leads" on public.leads
  for update to authenticated
  using (org_id = (select private.manager_org_id())) with check (org_id = (select private.manager_org_id()));

grant select on public.lead_status_transitions to authenticated;
create policy "everyone signed in reads the lifecycle" on public.lead_status_transitions
  for select to authenticated using (true);

-- Events: readable with the lead; members append notes, everything else is written by the RPCs,
-- triggers and edge functions.
grant select on public.lead_events to authenticated;
grant insert (lead_id, org_id, type, actor_id, details) on public.lead_events to authenticated;
create policy "managers read their organization's events" on public.lead_events
  for select to authenticated using (org_id = (select private.manager_org_id()));
create policy "members read the events of leads they can see" on public.lead_events
  for select to authenticated
  using (org_id = (select private.current_org_id())
         and exists (select 1 from public.leads l where l.id = lead_id));
create policy "members add notes to leads they can see" on public.lead_events
  for insert to authenticated
  with check (type = 'note'
              and actor_id = (select auth.uid())
              and org_id = (select private.current_org_id())
              and exists (select 1 from public.leads l where l.id = lead_id));

-- Dispositions are written by sync_dispositions() only.
grant select on public.dispositions to authenticated;
create policy "reps read their own dispositions" on public.dispositions
  for select to authenticated
  using (rep_id = (select auth.uid()) and org_id = (select private.current_org_id()));
create policy "managers read their organization's dispositions" on public.dispositions
  for select to authenticated using (org_id = (select private.manager_org_id()));

grant select on public.outbound_messages to authenticated;
create policy "managers read their organization's outbound messages" on public.outbound_messages
  for select to authenticated using (org_id = (select private.manager_org_id()));

-- ingest_requests: the ingest function's alone (no grant, no policy).

-- Push subscriptions: each member their own, managers included. Written by
-- register_push_subscription() / remove_push_subscription(); a member may also delete their own.
grant select, delete on public.push_subscriptions to authenticated;
create policy "members read their own subscriptions" on public.push_subscriptions
  for select to authenticated using (member_id = (select auth.uid()));
create policy "members delete their own subscriptions" on public.push_subscriptions
  for delete to authenticated using (member_id = (select auth.uid()));

-- Helpers in schema private are not for the API roles unless granted above.
revoke execute on all functions in schema private from public, anon;
