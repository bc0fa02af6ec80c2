-- The manager's metrics: is the team getting faster? One RPC, computed in SQL over the leads
-- captured in the period, reading the facts stored on each lead (20261125000100).

-- The figures of one group of leads, from the aggregates manager_metrics() computes.
create function private.metric_figures(
  leads bigint, first_contacted bigint, speed_business integer[], speed_calendar integer[],
  sla_met bigint, sla_missed bigint, contacted bigint, converted bigint, attempts bigint, escalated bigint
) returns jsonb
language sql immutable parallel safe
return jsonb_build_object(
  'leads', leads,
  'first_contacted', first_contacted,
  'speed_business_p50', speed_business[1] / 60.0, 'speed_business_p90', speed_business[2] / 60.0,
  'speed_calendar_p50', speed_calendar[1] / 60.0, 'speed_calendar_p90', speed_calendar[2] / 60.0,
  'sla_met', sla_met, 'sla_missed', sla_missed,
  'sla_compliance', sla_met::numeric / nullif(sla_met + sla_missed, 0),
  'contacted', contacted, 'contact_rate', contacted::numeric / nullif(leads, 0),
  'converted', converted, 'conversion_rate', converted::numeric / nullif(leads, 0),
  'attempts', attempts, 'attempts_per_lead', attempts::numeric / nullif(leads, 0),
  'escalated', escalated, 'escalation_rate', escalated::numeric / nullif(leads, 0));
revoke execute on function private.metric_figures(bigint, bigint, integer[], integer[], bigint, bigint, bigint, bigint, bigint, bigint)
  from public, anon, authenticated, service_role;

/*
 * manager_metrics(period, dimension): the organization's response figures for the leads captured
 * in `period` ('today' since local midnight in the organization's time zone, '7d' and '30d' the
 * last 7 and 30 days up to now), overall and by `dimension` ('rep' = current owner, 'source',
 * 'channel' of the source, 'tier'). Spam is left out. Per group:
 *
 *   leads, first_contacted       captured; with a first contact attempt
 *   speed_business_p50/_p90      speed to lead (capture to first contact attempt) in business
 *                                minutes on the lead's policy calendar: nearest-rank percentiles,
 *                                i.e. at least half (90%) of the tried leads had their first
 *                                attempt within it; measured to the second
 *   speed_calendar_p50/_p90      the same in calendar minutes
 *   sla_met, sla_missed,         leads with an SLA clock whose first attempt came by the due time
 *   sla_compliance               without a breach, against those breached, attempted late or
 *                                still untried past the due time (clocks still running and not
 *                                yet due count in neither); compliance = met / (met + missed)
 *   contacted, contact_rate      reached (a conversation), share of leads
 *   converted, conversion_rate   now converted, share of leads
 *   attempts, attempts_per_lead  logged call outcomes, per lead
 *   escalated, escalation_rate   escalated by the SLA ladder, share of leads
 *
 * Rates are fractions (0..1), null when nothing counts. Also: conversion_by_source, a trend per
 * hour (today) or local day (speed p50, leads, compliance) with empty buckets kept, and the aging
 * of all open leads now (<1h, 1-4h, 4-24h, 1-3d, >3d since capture).
 */
create function public.manager_metrics(period text default '7d', dimension text default 'rep') returns jsonb
language plpgsql stable security definer set search_path = ''
-- The percentile sorts of a month of leads fit in memory; the scans are too short to be worth
-- starting parallel workers for.
set work_mem = '32MB' set max_parallel_workers_per_gather = 0 as $$
#variable_conflict use_variable
declare
  me public.members := private.require_manager();
  now_at timestamptz := now();
  tz text;
  since timestamptz;
  bucket text;
  -- Where each hour (today) or local day starts: leads find their bucket by binary search, far
  -- cheaper than a time zone conversion per lead.
  bucket_starts timestamptz[];
  -- The split, grouped by its own column (uuids and enums group faster than text), and its names.
  dim_column text := case dimension
    when 'rep' then 'l.assigned_to' when 'source' then 'l.source_id' when 'channel' then 's.channel' else 'l.tier' end;
  dim_label text := case dimension
    when 'rep' then $sql$coalesce((select m.full_name from public.members m where m.id = a.dim_key), 'Unassigned')$sql$
    when 'source' then $sql$coalesce((select ls.name from public.lead_sources ls where ls.id = a.dim_key), 'No source')$sql$
    when 'channel' then $sql$coalesce(a.dim_key::text, 'No source')$sql$
    else 'a.dim_key::text' end;
  totals jsonb;
  by_dimension jsonb;
  by_source jsonb;
  trend jsonb;
  aging jsonb;
begin
  if period is null or period not in ('today', '7d', '30d') then
    raise exception 'period: must be one of today, 7d, 30d' using errcode = '22023';
  end if;
  if dimension is null or dimension not in ('rep', 'source', 'channel', 'tier') then
    raise exception 'dimension: must be one of rep, source, channel, tier' using errcode = '22023';
  end if;
  select o.time_zone into tz from public.organizations o where o.id = me.org_id;
  since := case period
    when 'today' then date_trunc('day', now_at, tz)
    when '7d' then now_at - interval '7 days'
    else now_at - interval '30 days' end;
  bucket := case when period = 'today' then 'hour' else 'day' end;
  select array_agg(b.bucket_start order by b.bucket_start) into bucket_starts
  from generate_series(date_trunc(bucket, since, tz), now_at, ('1 ' || bucket)::interval, tz) as b (bucket_start);

  -- The period's leads (an index-only scan of leads_org_metrics_idx, once per aggregation below:
  -- cheaper than keeping a month of rows aside). Built for the chosen split: dim_column and
  -- dim_label come from the fixed lists above, never from the caller.
  execute format($query$
  with scope as not materialized (
    select %1$s as dim_key,
           l.source_id,
           width_bucket(l.created_at, $4) as bucket_no,
           l.first_contact_at,
           l.speed_to_lead_business_seconds as speed_business,
           l.speed_to_lead_calendar_seconds as speed_calendar,
           l.sla_due_at is not null and l.first_contact_at <= l.sla_due_at and l.sla_breached_at is null as sla_met,
           l.sla_due_at is not null and (l.sla_breached_at is not null or l.first_contact_at > l.sla_due_at
                                         or (l.first_contact_at is null and l.sla_due_at < $3)) as sla_missed,
           l.contacted_at is not null as reached,
           l.status = 'converted' as converted,
           l.attempt_count,
           l.sla_escalated_at is not null as escalated
    from public.leads l
    left join public.lead_sources s on s.id = l.source_id
    where l.org_id = $1 and l.created_at >= $2 and l.created_at <= $3 and not l.is_spam
  ), counted as (
    -- Every count, four ways at once, by hashing: no sort.
    select grouping(dim_key, source_id, bucket_no) as grouping_set, dim_key, source_id, bucket_no,
           count(*) as leads, count(first_contact_at) as tried,
           count(*) filter (where sla_met) as sla_met, count(*) filter (where sla_missed) as sla_missed,
           count(*) filter (where reached) as reached, count(*) filter (where converted) as converted,
           coalesce(sum(attempt_count), 0) as attempts, count(*) filter (where escalated) as escalated
    from scope
    group by grouping sets ((), (dim_key), (source_id), (bucket_no))
  ), speeds as (
    -- Percentiles sort the speeds: only where shown (overall and the chosen split; the trend's median).
    select grouping(dim_key) as grouping_set, dim_key,
           percentile_disc(array[0.5, 0.9]) within group (order by speed_business) as business,
           percentile_disc(array[0.5, 0.9]) within group (order by speed_calendar) as calendar
    from scope
    where first_contact_at is not null
    group by grouping sets ((), (dim_key))
  ), bucket_speeds as (
    -- Each bucket's median from its own stretch of the index: small sorts instead of a month's.
    select b.n as bucket_no, (
             select percentile_disc(0.5) within group (order by l.speed_to_lead_business_seconds)
             from public.leads l
             where l.org_id = $1 and l.created_at >= greatest($2, ($4)[b.n])
               and l.created_at < coalesce(($4)[b.n + 1], 'infinity') and l.created_at <= $3
               and not l.is_spam and l.first_contact_at is not null) as business_p50
    from generate_subscripts($4, 1) as b (n)
  ), aggregated as (
    select c.grouping_set, c.dim_key, c.source_id, c.bucket_no, c.leads,
           private.metric_figures(c.leads, c.tried, p.business, p.calendar, c.sla_met, c.sla_missed,
                                  c.reached, c.converted, c.attempts, c.escalated) as figures
    from counted c
    left join speeds p
      on (c.grouping_set = 7 and p.grouping_set = 1)
      or (c.grouping_set = 3 and p.grouping_set = 0 and p.dim_key is not distinct from c.dim_key)
  )
  select
    (select a.figures from aggregated a where a.grouping_set = 7),
    (select coalesce(jsonb_agg(jsonb_build_object('key', a.dim_key, 'label', label.text) || a.figures
                               order by a.leads desc, label.text, a.dim_key), '[]')
     from aggregated a
     cross join lateral (select %2$s as text) as label
     where a.grouping_set = 3),
    (select coalesce(jsonb_agg(jsonb_build_object(
               'key', c.source_id, 'label', coalesce(ls.name, 'No source'),
               'leads', c.leads, 'converted', c.converted,
               'conversion_rate', c.converted::numeric / nullif(c.leads, 0))
             order by c.leads desc, ls.name, c.source_id), '[]')
     from counted c
     left join public.lead_sources ls on ls.id = c.source_id
     where c.grouping_set = 5),
    (select jsonb_agg(jsonb_build_object(
               'at', ($4)[b.n], 'leads', coalesce(c.leads, 0),
               'speed_business_p50', t.business_p50 / 60.0,
               'sla_compliance', c.sla_met::numeric / nullif(c.sla_met + c.sla_missed, 0))
             order by b.n)
     from generate_subscripts($4, 1) as b (n)
     left join counted c on c.grouping_set = 6 and c.bucket_no = b.n
     left join bucket_speeds t on t.bucket_no = b.n)
  $query$, dim_column, dim_label)
  into totals, by_dimension, by_source, trend
  using me.org_id, since, now_at, bucket_starts;

  -- An empty period still answers every figure (zero leads, null rates).
  totals := coalesce(totals, private.metric_figures(0, 0, null, null, 0, 0, 0, 0, 0, 0));

  select jsonb_build_array(
           jsonb_build_object('bucket', '<1h', 'leads', count(*) filter (where l.created_at > now_at - interval '1 hour')),
           jsonb_build_object('bucket', '1-4h', 'leads', count(*) filter (where l.created_at <= now_at - interval '1 hour'
                                                                           and l.created_at > now_at - interval '4 hours')),
           jsonb_build_object('bucket', '4-24h', 'leads', count(*) filter (where l.created_at <= now_at - interval '4 hours'
                                                                            and l.created_at > now_at - interval '24 hours')),
           jsonb_build_object('bucket', '1-3d', 'leads', count(*) filter (where l.created_at <= now_at - interval '24 hours'
                                                                           and l.created_at > now_at - interval '72 hours')),
           jsonb_build_object('bucket', '>3d', 'leads', count(*) filter (where l.created_at <= now_at - interval '72 hours')))
  into aging
  from public.leads l
  where l.org_id = me.org_id
    and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified') and not l.is_spam;

  return jsonb_build_object(
    'period', period, 'dimension', dimension, 'time_zone', tz,
    'from', since, 'to', now_at, 'bucket', bucket,
    'totals', totals, 'groups', by_dimension, 'conversion_by_source', by_source,
    'trend', coalesce(trend, '[]'), 'aging', aging);
end
$$;

revoke execute on function public.manager_metrics(text, text) from public, anon, service_role;
grant execute on function public.manager_metrics(text, text) to authenticated;
