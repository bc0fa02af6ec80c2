-- Production schedule of the sla-escalator edge function: pg_cron calls it every 10 seconds through
-- pg_net with the service-role key, reading the project URL and key from Vault at each run.
-- It acts only where both extensions can be installed (hosted Supabase); elsewhere, e.g. the local
-- stack, whose scheduler (supabase/local/schedule.ts) makes the same call, it is a no-op.
-- To turn it on in a hosted project, store the Vault secrets `project_url` and `service_role_key`
-- (README, "Scheduled functions"). The job is upserted by name, so re-running this file is safe.
do $migration$
begin
  if not exists (select from pg_available_extensions where name = 'pg_cron')
     or not exists (select from pg_available_extensions where name = 'pg_net') then
    raise notice 'pg_cron or pg_net is not available here: sla-escalator is not scheduled by the database';
    return;
  end if;

  create extension if not exists pg_cron with schema pg_catalog;
  create extension if not exists pg_net with schema extensions;

  perform cron.schedule(
    'pronto-sla-escalator',
    '10 seconds',
    $job$
    select net.http_post(
      url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url')
             || '/functions/v1/sla-escalator',
      headers := jsonb_build_object(
        'Content-Type', 'application/json',
        'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key'),
        'apikey', (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')
      ),
      body := '{}'::jsonb,
      timeout_milliseconds := 10000
    ) as request_id;
    $job$
  );

  if not exists (select from pg_extension where extname = 'supabase_vault') then
    raise warning 'Vault (supabase_vault) is not installed: the sla-escalator job needs the secrets project_url and service_role_key';
  end if;
end
$migration$;
