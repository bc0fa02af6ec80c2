-- Demo data for a fresh local database (and `supabase db reset`).
--
-- "Demo Co": team "Inside Sales" with manager@demo.pronto.test (also the fallback queue owner),
-- admin@demo.pronto.test and rep1..rep4@demo.pronto.test; password `pronto-demo` for everyone.
-- The web-form source "Website demo form" takes the plain key `pronto-demo-web-form-key`
-- (stored as its sha256 only). "Other Co" (other-manager@ / other-rep@other.pronto.test) exists
-- to prove nobody crosses organizations.
--
-- Ids are fixed so tests and docs can name them:
--   organizations 10000000-…-00000000000N   teams 20000000-…   members 30000000-…
--   calendars 40000000-…   SLA policies 50000000-…   routing rules 60000000-…   accounts 70000000-…
--   sources 80000000-…   leads 90000000-…
-- Times are relative to when the seed runs, so the demo queue is live on a fresh start.

insert into public.organizations (id, name, time_zone) values
  ('10000000-0000-4000-8000-000000000001', 'Demo Co', 'America/New_York'),
  ('10000000-0000-4000-8000-000000000002', 'Other Co', 'Europe/Berlin');

-- The token columns are set to '' because GoTrue cannot read NULL there (hosted auth.users has no defaults).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                        confirmation_token, recovery_token, email_change_token_new, email_change)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
       extensions.crypt('pronto-demo', extensions.gen_salt('bf')), now(),
       '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', u.full_name), now(), now(),
       '', '', '', ''
from (values
  ('30000000-0000-4000-8000-000000000001'::uuid, 'admin@demo.pronto.test', 'Alex Kim'),
  ('30000000-0000-4000-8000-000000000002'::uuid, 'manager@demo.pronto.test', 'Morgan Reyes'),
  ('30000000-0000-4000-8000-000000000011'::uuid, 'rep1@demo.pronto.test', 'Riley Chen'),
  ('30000000-0000-4000-8000-000000000012'::uuid, 'rep2@demo.pronto.test', 'Sam Patel'),
  ('30000000-0000-4000-8000-000000000013'::uuid, 'rep3@demo.pronto.test', 'Jordan Diaz'),
  ('30000000-0000-4000-8000-000000000014'::uuid, 'rep4@demo.pronto.test', 'Taylor Brooks'),
  ('30000000-0000-4000-8000-000000000021'::uuid, 'other-manager@other.pronto.test', 'Kai Becker'),
  ('30000000-0000-4000-8000-000000000022'::uuid, 'other-rep@other.pronto.test', 'Lena Vogel')
) as u (id, email, full_name);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true),
       'email', now(), now(), now()
from auth.users u
where u.email like '%.pronto.test';

insert into public.teams (id, org_id, name) values
  ('20000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'Inside Sales'),
  ('20000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000002', 'Other Sales');

insert into public.members (id, org_id, team_id, role, full_name, email, phone, time_zone, territories, skills,
                            languages, capacity, availability)
values
  ('30000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', null, 'admin',
   'Alex Kim', 'admin@demo.pronto.test', '+12125550100', 'America/New_York', '{}', '{}', '{en}', 0, 'off'),
  ('30000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'manager', 'Morgan Reyes', 'manager@demo.pronto.test', '+12125550101', 'America/New_York', '{}', '{}', '{en,es}', 20, 'on_shift'),
  ('30000000-0000-4000-8000-000000000011', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'rep', 'Riley Chen', 'rep1@demo.pronto.test', '+14155550111', 'America/Los_Angeles',
   '{US-CA,US-WA,US-OR}', '{analytics,enterprise}', '{en}', 10, 'on_shift'),
  ('30000000-0000-4000-8000-000000000012', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'rep', 'Sam Patel', 'rep2@demo.pronto.test', '+12125550112', 'America/New_York',
   '{US-NY,US-NJ,US-MA}', '{billing,smb}', '{en,hi}', 10, 'on_shift'),
  ('30000000-0000-4000-8000-000000000013', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'rep', 'Jordan Diaz', 'rep3@demo.pronto.test', '+13125550113', 'America/Chicago',
   '{US-TX,MX,ES}', '{analytics,smb}', '{en,es}', 10, 'on_shift'),
  ('30000000-0000-4000-8000-000000000014', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'rep', 'Taylor Brooks', 'rep4@demo.pronto.test', '+442075550114', 'Europe/London',
   '{GB,IE,DE,FR}', '{integrations,enterprise}', '{en,de,fr}', 10, 'on_shift'),
  ('30000000-0000-4000-8000-000000000021', '10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002',
   'manager', 'Kai Becker', 'other-manager@other.pronto.test', '+4930555021', 'Europe/Berlin', '{}', '{}', '{de,en}', 10, 'on_shift'),
  ('30000000-0000-4000-8000-000000000022', '10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002',
   'rep', 'Lena Vogel', 'other-rep@other.pronto.test', '+4930555022', 'Europe/Berlin', '{DE}', '{}', '{de,en}', 10, 'on_shift');

update public.teams set manager_id = '30000000-0000-4000-8000-000000000002', fallback_owner_id = '30000000-0000-4000-8000-000000000002'
where id = '20000000-0000-4000-8000-000000000001';
update public.teams set manager_id = '30000000-0000-4000-8000-000000000021', fallback_owner_id = '30000000-0000-4000-8000-000000000021'
where id = '20000000-0000-4000-8000-000000000002';

insert into public.business_calendars (id, org_id, name, time_zone, weekly_hours, holidays) values
  ('40000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'New York office hours',
   'America/New_York',
   '{"1":[{"start":"09:00","end":"17:00"}],"2":[{"start":"09:00","end":"17:00"}],"3":[{"start":"09:00","end":"17:00"}],
     "4":[{"start":"09:00","end":"17:00"}],"5":[{"start":"09:00","end":"17:00"}]}',
   '{2026-11-26,2026-12-25,2027-01-01,2027-05-31,2027-07-05}'),
  ('40000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000002', 'Berlin office hours',
   'Europe/Berlin',
   '{"1":[{"start":"08:00","end":"16:00"}],"2":[{"start":"08:00","end":"16:00"}],"3":[{"start":"08:00","end":"16:00"}],
     "4":[{"start":"08:00","end":"16:00"}],"5":[{"start":"08:00","end":"16:00"}]}',
   '{}');

insert into public.sla_policies (id, org_id, name, tier, target_minutes, calendar_id, cadence_minutes, max_attempts) values
  ('50000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'HOT: call within a minute, any time',
   'HOT', 1, null, '{30,240,1440}', 4),
  ('50000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'WARM: within the business hour',
   'WARM', 60, '40000000-0000-4000-8000-000000000001', '{240,1440}', 3),
  ('50000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', 'COLD: within a business day',
   'COLD', 1440, '40000000-0000-4000-8000-000000000001', '{1440,2880}', 3),
  ('50000000-0000-4000-8000-000000000011', '10000000-0000-4000-8000-000000000002', 'Alle Leads: eine Stunde',
   'WARM', 60, '40000000-0000-4000-8000-000000000002', '{240,1440}', 3);

insert into public.lead_sources (id, org_id, team_id, name, channel, key_hash, key_prefix, allowed_origins,
                                 default_country, thank_you_url, ack_template, rate_limit_per_minute) values
  ('80000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'Website demo form', 'web_form', encode(sha256(convert_to('pronto-demo-web-form-key', 'UTF8')), 'hex'), 'pronto-demo-web',
   '{http://127.0.0.1:4173,http://localhost:4173,http://127.0.0.1:5173,http://localhost:5173}',
   'US', 'http://127.0.0.1:4173/thanks',
   'Hi {{first_name}}, thanks for asking Demo Co for a demo. Someone from our team will call you shortly.', 600),
  ('80000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   'Sales line', 'phone', encode(sha256(convert_to('pronto-demo-phone-key', 'UTF8')), 'hex'), 'pronto-demo-pho',
   '{}', 'US', null, null, 120),
  ('80000000-0000-4000-8000-000000000011', '10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002',
   'Kontaktformular', 'web_form', encode(sha256(convert_to('pronto-other-web-form-key', 'UTF8')), 'hex'), 'pronto-other',
   '{}', 'DE', null, null, 60);

-- The demo form and the lead simulator (`npm start -- --simulate <per minute>`) post from one address.
update public.lead_sources set ip_rate_limit_per_minute = 600 where id = '80000000-0000-4000-8000-000000000001';

insert into public.routing_rules (id, org_id, team_id, position, name, conditions, strategy, target_member_ids) values
  ('60000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   10, 'Known accounts go to their owner', '{}', 'account_owner', '{}'),
  ('60000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   20, 'Territory by country and state', '{}', 'territory', '{}'),
  ('60000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   30, 'Analytics and Spanish speakers by skill', '{"product_interest":["analytics"],"language":["es"]}', 'skill', '{}'),
  ('60000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
   40, 'Everyone else: round robin', '{}', 'round_robin', '{}'),
  ('60000000-0000-4000-8000-000000000011', '10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002',
   10, 'Alle: Round Robin', '{}', 'round_robin', '{}');

insert into public.round_robin_state (team_id) values
  ('20000000-0000-4000-8000-000000000001'), ('20000000-0000-4000-8000-000000000002');

insert into public.accounts (id, org_id, domain, name, owner_id) values
  ('70000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'acme.com', 'Acme Corp', '30000000-0000-4000-8000-000000000011'),
  ('70000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', 'globex.com', 'Globex', '30000000-0000-4000-8000-000000000012'),
  ('70000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', 'initech.com', 'Initech', '30000000-0000-4000-8000-000000000013'),
  ('70000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000001', 'umbrella.co.uk', 'Umbrella UK', '30000000-0000-4000-8000-000000000014');

-- Leads in every state. Per row: id, owner (null: the pool), minutes since capture, tier, score,
-- status, the person, and what has happened so far.
create temporary table demo_leads (
  n int, id uuid, assigned_to uuid, age_minutes int, tier public.lead_tier, score int, status public.lead_status,
  first_name text, last_name text, email text, phone text, company text, domain text, title text, industry text,
  company_size text, country text, region text, product_interest text, language text, message text,
  source_id uuid, contacted_after_minutes int, attempts int, next_attempt_in_minutes int, callback_in_minutes int,
  in_fallback_queue boolean, is_spam boolean, reengaged_count int, outcome public.disposition_outcome
) on commit drop;

insert into demo_leads values
  -- rep1 (Riley): three ready now, one callback later today.
  (1, '90000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000011', 12, 'WARM', 74, 'assigned',
   'Priya', 'Nair', 'priya.nair@acme.com', '+14155550123', 'Acme Corp', 'acme.com', 'Head of Operations', 'Manufacturing',
   '201-1000', 'US', 'US-CA', 'analytics', 'en', 'We need live dashboards for 12 plants.',
   '80000000-0000-4000-8000-000000000001', null, 0, null, null, false, false, 0, null),
  (2, '90000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000011', 125, 'HOT', 88, 'attempting',
   'Marcus', 'Webb', 'marcus@brightpath.io', '+14155550142', 'Brightpath', 'brightpath.io', 'VP Sales', 'Software',
   '51-200', 'US', 'US-WA', 'enterprise', 'en', 'Demo please, we are replacing our current tool this quarter.',
   '80000000-0000-4000-8000-000000000001', 1, 1, -5, null, false, false, 1, 'no_answer'),
  (3, '90000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000011', 190, 'COLD', 35, 'assigned',
   'Elena', 'Rossi', 'elena.rossi@fiorenza.it', null, 'Fiorenza', 'fiorenza.it', 'Analyst', 'Retail',
   '11-50', 'US', 'US-OR', 'analytics', 'en', null,
   '80000000-0000-4000-8000-000000000001', null, 0, null, null, false, false, 0, null),
  (4, '90000000-0000-4000-8000-000000000004', '30000000-0000-4000-8000-000000000011', 300, 'WARM', 66, 'contacted',
   'Noah', 'Fischer', 'noah@cobaltlabs.com', '+16505550177', 'Cobalt Labs', 'cobaltlabs.com', 'CTO', 'Software',
   '11-50', 'US', 'US-CA', 'integrations', 'en', 'Can you integrate with our CRM?',
   '80000000-0000-4000-8000-000000000002', 20, 1, null, 120, false, false, 0, 'callback'),
  -- rep2 (Sam)
  (5, '90000000-0000-4000-8000-000000000005', '30000000-0000-4000-8000-000000000012', 45, 'HOT', 90, 'contacted',
   'Grace', 'Okafor', 'grace.okafor@globex.com', '+12125550188', 'Globex', 'globex.com', 'Director of Finance', 'Finance',
   '1001-5000', 'US', 'US-NY', 'billing', 'en', 'Ready to buy if pricing works.',
   '80000000-0000-4000-8000-000000000001', 1, 1, null, null, false, false, 0, 'connected'),
  (6, '90000000-0000-4000-8000-000000000006', '30000000-0000-4000-8000-000000000012', 600, 'WARM', 58, 'attempting',
   'Omar', 'Haddad', 'omar@tidewater.org', '+16175550101', 'Tidewater', 'tidewater.org', 'Program Manager', 'Non-profit',
   '51-200', 'US', 'US-MA', 'smb', 'en', null,
   '80000000-0000-4000-8000-000000000001', 30, 1, 180, null, false, false, 0, 'voicemail'),
  (7, '90000000-0000-4000-8000-000000000007', '30000000-0000-4000-8000-000000000012', 10080, 'COLD', 22, 'nurture',
   'Hannah', 'Lee', 'hannah.lee@gmail.com', '+12015550199', null, null, 'Student', null,
   null, 'US', 'US-NJ', null, 'en', 'Just looking.',
   '80000000-0000-4000-8000-000000000001', 600, 3, null, null, false, false, 0, 'no_answer'),
  -- rep3 (Jordan)
  (8, '90000000-0000-4000-8000-000000000008', '30000000-0000-4000-8000-000000000013', 2880, 'WARM', 70, 'qualified',
   'Lucía', 'Martínez', 'lucia@initech.com', '+525555550110', 'Initech', 'initech.com', 'Gerente de Ventas', 'Software',
   '201-1000', 'MX', null, 'analytics', 'es', 'Queremos una demo en español.',
   '80000000-0000-4000-8000-000000000001', 15, 1, null, null, false, false, 0, 'meeting_booked'),
  (9, '90000000-0000-4000-8000-000000000009', '30000000-0000-4000-8000-000000000013', 40, 'COLD', 40, 'assigned',
   'Ben', 'Carter', 'ben.carter@lonestar.energy', '+15125550111', 'Lone Star Energy', 'lonestar.energy', 'Buyer', 'Energy',
   '1001-5000', 'US', 'US-TX', 'smb', 'en', null,
   '80000000-0000-4000-8000-000000000002', null, 0, null, null, false, false, 0, null),
  (10, '90000000-0000-4000-8000-000000000010', '30000000-0000-4000-8000-000000000013', 1500, 'HOT', 81, 'disqualified',
   'Carlos', 'Ruiz', null, '+34915550112', null, null, null, null,
   null, 'ES', null, 'analytics', 'es', null,
   '80000000-0000-4000-8000-000000000002', 2, 1, null, null, false, false, 0, 'wrong_number'),
  -- rep4 (Taylor)
  (11, '90000000-0000-4000-8000-000000000011', '30000000-0000-4000-8000-000000000014', 20160, 'WARM', 61, 'converted',
   'Oliver', 'Hughes', 'oliver.hughes@umbrella.co.uk', '+442075550113', 'Umbrella UK', 'umbrella.co.uk', 'COO', 'Pharma',
   '5001+', 'GB', 'GB-LND', 'enterprise', 'en', null,
   '80000000-0000-4000-8000-000000000001', 25, 2, null, null, false, false, 0, 'meeting_booked'),
  (12, '90000000-0000-4000-8000-000000000012', '30000000-0000-4000-8000-000000000014', 1440, 'COLD', 30, 'attempting',
   'Sophie', 'Dubois', 'sophie.dubois@lumiere.fr', '+33155550114', 'Lumière', 'lumiere.fr', 'Marketing Lead', 'Media',
   '11-50', 'FR', null, 'integrations', 'fr', null,
   '80000000-0000-4000-8000-000000000001', 120, 1, -60, null, false, false, 0, 'voicemail'),
  -- The pool: unassigned, and waiting in the fallback queue with the manager.
  (13, '90000000-0000-4000-8000-000000000013', null, 8, 'WARM', 55, 'new',
   'Ivy', 'Tan', 'ivy.tan@northwind.com', '+14085550115', 'Northwind', 'northwind.com', 'IT Manager', 'Logistics',
   '201-1000', 'US', 'US-NV', 'integrations', 'en', 'Looking for an API.',
   '80000000-0000-4000-8000-000000000001', null, 0, null, null, false, false, 0, null),
  (14, '90000000-0000-4000-8000-000000000014', '30000000-0000-4000-8000-000000000002', 95, 'COLD', 28, 'new',
   'Felix', 'Wagner', 'felix@wagnerbau.de', '+4989555016', 'Wagner Bau', 'wagnerbau.de', null, 'Construction',
   '11-50', 'DE', null, null, 'de', null,
   '80000000-0000-4000-8000-000000000002', null, 0, null, null, true, false, 0, null),
  (15, '90000000-0000-4000-8000-000000000015', '30000000-0000-4000-8000-000000000002', 400, 'WARM', 48, 'attempting',
   'Aisha', 'Bello', 'aisha@kanoagro.ng', '+2348035550117', 'Kano Agro', 'kanoagro.ng', 'Founder', 'Agriculture',
   '11-50', 'NG', null, 'smb', 'en', 'Do you support Nigeria?',
   '80000000-0000-4000-8000-000000000001', 200, 1, -30, null, true, false, 0, 'no_answer'),
  -- Caught by the honeypot.
  (16, '90000000-0000-4000-8000-000000000016', null, 60, 'COLD', 0, 'new',
   'Buy', 'Followers', 'promo@spam.example', null, null, null, null, null,
   null, null, null, null, null, 'cheap followers!!!',
   '80000000-0000-4000-8000-000000000001', null, 0, null, null, false, true, 0, null);

insert into public.leads (
  id, org_id, source_id, team_id, email, phone, first_name, last_name, full_name, company, domain, title, industry,
  company_size, country, region, product_interest, language, message, utm, raw_payload, consent, score,
  score_explanation, tier, status, assigned_to, assigned_at, first_contact_at, sla_policy_id, sla_started_at,
  sla_due_at, sla_state, sla_breached_at, next_attempt_at, callback_at, attempt_count, is_spam, in_fallback_queue,
  dedupe_email, dedupe_phone, reengaged_count, reengaged_at, created_at, updated_at)
select d.id, '10000000-0000-4000-8000-000000000001', d.source_id, '20000000-0000-4000-8000-000000000001',
       d.email, d.phone, d.first_name, d.last_name, d.first_name || ' ' || d.last_name, d.company, d.domain, d.title,
       d.industry, d.company_size, d.country, d.region, d.product_interest, d.language, d.message,
       '{"utm_source":"google","utm_medium":"cpc","utm_campaign":"demo-q4"}',
       jsonb_strip_nulls(jsonb_build_object('name', d.first_name || ' ' || d.last_name, 'email', d.email, 'phone', d.phone,
                                            'company', d.company, 'message', d.message)),
       true, d.score,
       -- Shaped like the scoring module's explanation (factor, points, reason), summing to the score.
       jsonb_build_array(
         jsonb_build_object('factor', 'fit', 'points', d.score / 2, 'reason',
           concat_ws(', ', coalesce(d.title, 'No title given'), d.company_size || ' employees', d.industry) || ' +' || d.score / 2),
         jsonb_build_object('factor', 'intent', 'points', d.score - d.score / 2, 'reason',
           case when d.message is not null then 'Wrote what they need' else 'Filled in the web form' end
             || ' +' || (d.score - d.score / 2))),
       d.tier, d.status, d.assigned_to, case when d.assigned_to is not null then at.captured + interval '5 seconds' end,
       at.captured + make_interval(mins => d.contacted_after_minutes),
       -- Spam is never routed, so no clock runs for it.
       case when not d.is_spam then p.id end, case when not d.is_spam then at.captured end,
       case when not d.is_spam then at.due end,
       case
         when d.is_spam then 'none'
         when d.contacted_after_minutes is null then case when at.due < now() then 'breached' else 'running' end
         when at.captured + make_interval(mins => d.contacted_after_minutes) <= at.due then 'met'
         else 'breached'
       end::public.sla_state,
       case when not d.is_spam and at.due < coalesce(at.captured + make_interval(mins => d.contacted_after_minutes), now())
            then at.due end,
       now() + make_interval(mins => d.next_attempt_in_minutes),
       now() + make_interval(mins => d.callback_in_minutes),
       d.attempts, d.is_spam, d.in_fallback_queue,
       d.email, d.phone, d.reengaged_count, case when d.reengaged_count > 0 then now() - interval '30 minutes' end,
       at.captured, now()
from demo_leads d
join public.sla_policies p on p.org_id = '10000000-0000-4000-8000-000000000001' and p.tier = d.tier and p.source_id is null
cross join lateral (select now() - make_interval(mins => d.age_minutes) as captured) as capture
cross join lateral (
  select capture.captured, private.business_add_minutes(p.calendar_id, capture.captured, p.target_minutes) as due
) as at;

insert into public.leads (id, org_id, source_id, team_id, email, phone, first_name, last_name, full_name, company,
                          country, score, tier, status, assigned_to, assigned_at, sla_policy_id, sla_started_at,
                          sla_due_at, sla_state, dedupe_email, dedupe_phone, created_at)
values ('90000000-0000-4000-8000-000000000101', '10000000-0000-4000-8000-000000000002',
        '80000000-0000-4000-8000-000000000011', '20000000-0000-4000-8000-000000000002',
        'jonas@beispiel.de', '+4930555099', 'Jonas', 'Schmidt', 'Jonas Schmidt', 'Beispiel GmbH', 'DE', 64, 'WARM',
        'assigned', '30000000-0000-4000-8000-000000000022', now() - interval '20 minutes',
        '50000000-0000-4000-8000-000000000011', now() - interval '20 minutes',
        private.business_add_minutes('40000000-0000-4000-8000-000000000002', now() - interval '20 minutes', 60),
        'running', 'jonas@beispiel.de', '+4930555099', now() - interval '20 minutes');

-- The trail: capture, score and routing for every lead, then each contact attempt and outcome.
insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at, details)
select l.id, l.org_id, e.type, null, l.created_at + e.after, e.details
from public.leads l
cross join lateral (values
  ('created'::public.lead_event_type, interval '0 seconds', jsonb_build_object('source_id', l.source_id)),
  ('scored', interval '1 second', jsonb_build_object('score', l.score, 'tier', l.tier))
) as e (type, after, details);

insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at, details)
select l.id, l.org_id,
       case when l.is_spam then 'spam_flagged' when l.in_fallback_queue then 'fallback_queued' when l.assigned_to is null then 'routed' else 'assigned' end::public.lead_event_type,
       null, l.created_at + interval '2 seconds',
       case
         when l.is_spam then jsonb_build_object('reason', 'honeypot field filled')
         when l.in_fallback_queue then jsonb_build_object('to', l.assigned_to, 'reason', 'no eligible rep on shift and under capacity')
         when l.assigned_to is null then jsonb_build_object('result', 'team pool', 'reason', 'no rule matched an eligible rep')
         else jsonb_build_object('to', l.assigned_to, 'rule', 'Everyone else: round robin', 'reason', 'seeded demo assignment')
       end
from public.leads l;

insert into public.dispositions (id, lead_id, org_id, rep_id, outcome, notes, callback_at, channel, occurred_at)
select gen_random_uuid(), l.id, l.org_id, coalesce(l.assigned_to, '30000000-0000-4000-8000-000000000002'),
       -- Earlier attempts went unanswered; the last one had the outcome that set the status.
       case when attempt.n < d.attempts then 'no_answer' else d.outcome end,
       'Seeded call ' || attempt.n, case when attempt.n = d.attempts and d.outcome = 'callback' then l.callback_at end, 'phone',
       l.first_contact_at + make_interval(hours => attempt.n - 1)
from demo_leads d
join public.leads l on l.id = d.id
cross join lateral generate_series(1, d.attempts) as attempt (n)
where d.outcome is not null;

insert into public.lead_events (lead_id, org_id, type, actor_id, occurred_at, details)
select d.lead_id, d.org_id, e.type, d.rep_id, d.occurred_at, e.details
from public.dispositions d
cross join lateral (values
  ('contact_attempted'::public.lead_event_type, jsonb_build_object('channel', d.channel)),
  ('disposition', jsonb_build_object('disposition_id', d.id, 'outcome', d.outcome, 'channel', d.channel))
) as e (type, details);
