-- The manager's metrics, faster at scale: the same figures as 20261125000300, with the period's
-- three aggregations (counts, speed percentiles, the trend's medians) run side by side in parallel
-- workers instead of one after another, and the aging counted by index ranges.

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
create or replace function public.manager_metrics(period text default '7d', dimension text default 'rep') returns jsonb
language plpgsql stable security definer set search_path = ''
-- The percentile sorts of a month of leads fit in memory. The period's three aggregations run side
-- by side in parallel workers; each hands over a few hundred rows, but the planner guesses one row
-- per lead for grouping sets and would price that hand-over out of a parallel plan.
set work_mem = '32MB' set max_parallel_workers_per_gather = 2 set parallel_tuple_cost = 0.001 as $$
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
  ), parts as (
    -- Three aggregations of the period's leads, each over its own scan, so that Postgres can run
    -- them side by side in parallel workers (a Parallel Append). Part 1: every count, four ways at
    -- once, by hashing. Part 2: the speed percentiles where shown (overall, 7, and by the chosen
    -- split, 3). Part 3: each bucket's median speed for the trend.
    select 1 as part, grouping(dim_key, source_id, bucket_no) as grouping_set, dim_key, source_id, bucket_no,
           count(*) as leads, count(first_contact_at) as tried,
           count(*) filter (where sla_met) as sla_met, count(*) filter (where sla_missed) as sla_missed,
           count(*) filter (where reached) as reached, count(*) filter (where converted) as converted,
           coalesce(sum(attempt_count), 0) as attempts, count(*) filter (where escalated) as escalated,
           null::integer[] as business, null::integer[] as calendar
    from scope
    group by grouping sets ((), (dim_key), (source_id), (bucket_no))
    union all
    select 2, case grouping(dim_key) when 1 then 7 else 3 end, dim_key, null, null,
           null, null, null, null, null, null, null, null,
           percentile_disc(array[0.5, 0.9]) within group (order by speed_business),
           percentile_disc(array[0.5, 0.9]) within group (order by speed_calendar)
    from scope
    where first_contact_at is not null
    group by grouping sets ((), (dim_key))
    union all
    select 3, 6, null, null, bucket_no,
           null, null, null, null, null, null, null, null,
           array[percentile_disc(0.5) within group (order by speed_business)], null
    from scope
    where first_contact_at is not null
    group by bucket_no
  ), aggregated as (
    select c.grouping_set, c.dim_key, c.leads,
           private.metric_figures(c.leads, c.tried, p.business, p.calendar, c.sla_met, c.sla_missed,
                                  c.reached, c.converted, c.attempts, c.escalated) as figures
    from parts c
    left join parts p on p.part = 2 and p.grouping_set = c.grouping_set and p.dim_key is not distinct from c.dim_key
    where c.part = 1 and c.grouping_set in (7, 3)
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
     from parts c
     left join public.lead_sources ls on ls.id = c.source_id
     where c.part = 1 and c.grouping_set = 5),
    (select jsonb_agg(jsonb_build_object(
               'at', ($4)[b.n], 'leads', coalesce(c.leads, 0),
               'speed_business_p50', t.business[1] / 60.0,
               'sla_compliance', c.sla_met::numeric / nullif(c.sla_met + c.sla_missed, 0))
             order by b.n)
     from generate_subscripts($4, 1) as b (n)
     left join parts c on c.part = 1 and c.grouping_set = 6 and c.bucket_no = b.n
     left join parts t on t.part = 3 and t.bucket_no = b.n)
  $query$, dim_column, dim_label)
  into totals, by_dimension, by_source, trend
  using me.org_id, since, now_at, bucket_starts;

  -- An empty period still answers every figure (zero leads, null rates).
  totals := coalesce(totals, private.metric_figures(0, 0, null, null, 0, 0, 0, 0, 0, 0));

  -- Five short index-only range counts (leads_org_open_idx) rather than one scan testing every
  -- open lead against every bucket.
  select jsonb_agg(jsonb_build_object('bucket', b.label, 'leads', (
           select count(*) from public.leads l
           where l.org_id = me.org_id and l.status in ('new', 'assigned', 'attempting', 'contacted', 'qualified')
             and not l.is_spam
             and l.created_at <= coalesce(now_at - b.newer_than, 'infinity')
             and l.created_at > coalesce(now_at - b.older_than, '-infinity')))
         order by b.n)
  into aging
  from (values (1, '<1h', null, interval '1 hour'), (2, '1-4h', interval '1 hour', interval '4 hours'),
               (3, '4-24h', interval '4 hours', interval '24 hours'), (4, '1-3d', interval '24 hours', interval '72 hours'),
               (5, '>3d', interval '72 hours', null)) as b (n, label, newer_than, older_than);

  return jsonb_build_object(
    'period', period, 'dimension', dimension, 'time_zone', tz,
    'from', since, 'to', now_at, 'bucket', bucket,
    'totals', totals, 'groups', by_dimension, 'conversion_by_source', by_source,
    'trend', coalesce(trend, '[]'), 'aging', aging);
end
$$;

revoke execute on function public.manager_metrics(text, text) from public, anon, service_role;
grant execute on function public.manager_metrics(text, text) to authenticated;
