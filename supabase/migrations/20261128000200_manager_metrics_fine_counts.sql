-- The manager's metrics, cheaper per call again: the same figures as 20261128000100, with
--  * the counts aggregated once per (split, source) pair, a few hundred groups, and summed into
--    the total, split and source rows afterwards: one hash table per lead instead of three;
--  * the speed percentiles joined to their counts by a hashable key (a one-element array, whose
--    equality treats two nulls as equal as `is not distinct from` does): that join was a merge join
--    rescanning every group's speeds for every group, 40,000 row pairs for 200 reps;
--  * sorts disabled inside the function, so the trend's 31 buckets are grouped by hashing: the
--    planner guesses one bucket per lead (width_bucket of created_at) and sorted a month of leads.
--    No other node of this function needs a sort (the ordered jsonb_aggs sort inside the aggregate).
-- On 1M leads (82k in 30 days) the JSON is identical to 20261128000100's for every period and split.

create or replace function public.manager_metrics(period text default '7d', dimension text default 'rep') returns jsonb
language plpgsql stable security definer set search_path = ''
-- A month of speeds gathered for sorting fits in memory. The period's three aggregations run side
-- by side in parallel workers; each hands over a few hundred rows, but the planner guesses one row
-- per lead for grouping sets and would price that hand-over out of a parallel plan. Sorts off: the
-- trend's buckets are hashed (see the top of this file).
set work_mem = '32MB' set max_parallel_workers_per_gather = 2 set parallel_tuple_cost = 0.001
set enable_sort = off as $$
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
    -- Three aggregations of the period's leads, each over its own scan, so that Postgres runs them
    -- side by side in parallel workers (a Parallel Append), all by hashing. Every count by split and
    -- source together (summed into the total, split and source rows in `counts`); the speed
    -- percentiles overall and by the split; the trend's buckets with their median speed. A group's percentiles come from its speeds gathered into
    -- one array and sorted by intarray's sort() in C, then picked by nearest rank: far cheaper
    -- than percentile_disc, which sorts a month of leads by the split and then each group again.
    select 'fine' as kind,
           dim_key, source_id, null::integer as bucket_no,
           count(*) as leads, count(first_contact_at) as tried,
           count(*) filter (where sla_met) as sla_met, count(*) filter (where sla_missed) as sla_missed,
           count(*) filter (where reached) as reached, count(*) filter (where converted) as converted,
           coalesce(sum(attempt_count), 0) as attempts, count(*) filter (where escalated) as escalated,
           null::integer[] as business, null::integer[] as calendar
    from scope
    group by dim_key, source_id
    union all
    select case when speeds.is_total then 'total speeds' else 'split speeds' end, speeds.dim_key, null, null,
           null, null, null, null, null, null, null, null,
           array[speeds.business[private.nearest_rank(0.5, cardinality(speeds.business))],
                 speeds.business[private.nearest_rank(0.9, cardinality(speeds.business))]],
           array[speeds.calendar[private.nearest_rank(0.5, cardinality(speeds.calendar))],
                 speeds.calendar[private.nearest_rank(0.9, cardinality(speeds.calendar))]]
    from (select grouping(dim_key) = 1 as is_total, dim_key,
                 extensions.sort(array_agg(speed_business) filter (where speed_business is not null)) as business,
                 extensions.sort(array_agg(speed_calendar) filter (where speed_calendar is not null)) as calendar
          from scope
          where first_contact_at is not null
          group by grouping sets ((), (dim_key))) as speeds
    union all
    select 'bucket', null, null, buckets.bucket_no,
           buckets.leads, null, buckets.sla_met, buckets.sla_missed, null, null, null, null,
           array[buckets.business[private.nearest_rank(0.5, cardinality(buckets.business))]], null
    from (select bucket_no, count(*) as leads,
                 count(*) filter (where sla_met) as sla_met, count(*) filter (where sla_missed) as sla_missed,
                 extensions.sort(array_agg(speed_business) filter (where first_contact_at is not null
                                                                   and speed_business is not null)) as business
          from scope
          group by bucket_no) as buckets
  ), counts as (
    -- The counts overall, by the split and by source, from the few hundred (split, source) groups.
    select case grouping(f.dim_key, f.source_id) when 3 then 'total' when 1 then 'split' else 'source' end as kind,
           f.dim_key, f.source_id, sum(f.leads)::bigint as leads, sum(f.tried)::bigint as tried,
           sum(f.sla_met)::bigint as sla_met, sum(f.sla_missed)::bigint as sla_missed, sum(f.reached)::bigint as reached,
           sum(f.converted)::bigint as converted, sum(f.attempts)::bigint as attempts, sum(f.escalated)::bigint as escalated
    from parts f
    where f.kind = 'fine'
    group by grouping sets ((), (f.dim_key), (f.source_id))
  ), aggregated as (
    select c.kind, c.dim_key, c.leads,
           private.metric_figures(c.leads, c.tried, p.business, p.calendar, c.sla_met, c.sla_missed,
                                  c.reached, c.converted, c.attempts, c.escalated) as figures
    from counts c
    -- array[…] = array[…]: equal when both keys are null, and hashable, unlike `is not distinct from`.
    left join parts p on p.kind = c.kind || ' speeds' and array[p.dim_key] = array[c.dim_key]
    where c.kind in ('total', 'split')
  )
  select
    (select a.figures from aggregated a where a.kind = 'total'),
    (select coalesce(jsonb_agg(jsonb_build_object('key', a.dim_key, 'label', label.text) || a.figures
                               order by a.leads desc, label.text, a.dim_key), '[]')
     from aggregated a
     cross join lateral (select %2$s as text) as label
     where a.kind = 'split'),
    (select coalesce(jsonb_agg(jsonb_build_object(
               'key', c.source_id, 'label', coalesce(ls.name, 'No source'),
               'leads', c.leads, 'converted', c.converted,
               'conversion_rate', c.converted::numeric / nullif(c.leads, 0))
             order by c.leads desc, ls.name, c.source_id), '[]')
     from counts c
     left join public.lead_sources ls on ls.id = c.source_id
     where c.kind = 'source'),
    (select jsonb_agg(jsonb_build_object(
               'at', ($4)[b.n], 'leads', coalesce(c.leads, 0),
               'speed_business_p50', c.business[1] / 60.0,
               'sla_compliance', c.sla_met::numeric / nullif(c.sla_met + c.sla_missed, 0))
             order by b.n)
     from generate_subscripts($4, 1) as b (n)
     left join parts c on c.kind = 'bucket' and c.bucket_no = b.n)
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
