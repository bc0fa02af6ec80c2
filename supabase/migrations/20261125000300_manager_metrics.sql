-- The manager's metrics: is the team getting faster? One RPC, computed in SQL over the leads
-- captured in the period, reading the facts stored on each lead (20261125000100).

-- The figures of one group of leads, from the aggregates manager_metrics() computes.
create function private.metric_figures(
  leads bigint, first_contacted bigint, speed_business double precision[], speed_calendar double precision[],
  sla_met bigint, sla_missed bigint, contacted bigint, converted bigint, attempts bigint, escalated bigint
) returns jsonb
language sql immutable parallel safe
return jsonb_build_object(
  'leads', leads,
  'first_contacted', first_contacted,
  'speed_business_p50', speed_business[1], 'speed_business_p90', speed_business[2],
  'speed_calendar_p50', speed_calendar[1], 'speed_calendar_p90', speed_calendar[2],
  'sla_met', sla_met, 'sla_missed', sla_missed,
  'sla_compliance', sla_met::numeric / nullif(sla_met + sla_missed, 0),
  'contacted', contacted, 'contact_rate', contacted::numeric / nullif(leads, 0),
  'converted', converted, 'conversion_rate', converted::numeric / nullif(leads, 0),
  'attempts', attempts, 'attempts_per_lead', attempts::numeric / nullif(leads, 0),
  'escalated', escalated, 'escalation_rate', escalated::numeric / nullif(leads, 0));
revoke execute on function private.metric_figures(bigint, bigint, double precision[], double precision[], bigint, bigint, bigint, bigint, bigint, bigint)
  from public, anon, authenticated, service_role;

/*
 * manager_metrics(period, dimension): the organization's response figures for the leads captured
 * in `period` ('today' since local midnight in the organization's time zone, '7d' and '30d' the
 * last 7 and 30 days up to now), overall and by `dimension` ('rep' = current owner, 'source',
 * 'channel' of the source, 'tier'). Spam is left out. Per group:
 *
 *   leads, first_contacted       captured; with a first contact attempt
 *   speed_business_p50/_p90      speed to lead (capture to first contact attempt) in business
 *                                minutes on the lead's policy calendar, interpolated percentiles
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
-- The percentile sorts of a month of leads fit in memory.
set work_mem = '32MB' as $$
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

  -- One pass over the period's leads (an index-only scan of leads_org_metrics_idx), aggregated
  -- four ways at once. Keys compare bytewise: no collation needed to group them.
  with scope as (
    select case dimension
             when 'rep' then l.assigned_to::text
             when 'source' then l.source_id::text
             when 'channel' then s.channel::text
             else l.tier::text end collate "C" as dim_key,
           l.source_id,
           width_bucket(l.created_at, bucket_starts) as bucket_no,
           l.first_contact_at,
           l.speed_to_lead_business_minutes::double precision as speed_business,
           -- greatest() would turn a missing attempt into 0: leads without one must not count.
           case when l.first_contact_at is not null
             then greatest(0, date_part('epoch', l.first_contact_at - l.created_at) / 60) end as speed_calendar,
           l.sla_due_at is not null and l.first_contact_at <= l.sla_due_at and l.sla_breached_at is null as sla_met,
           l.sla_due_at is not null and (l.sla_breached_at is not null or l.first_contact_at > l.sla_due_at
                                         or (l.first_contact_at is null and l.sla_due_at < now_at)) as sla_missed,
           l.contacted_at is not null as reached,
           l.status = 'converted' as converted,
           l.attempt_count,
           l.sla_escalated_at is not null as escalated
    from public.leads l
    left join public.lead_sources s on s.id = l.source_id
    where l.org_id = me.org_id and l.created_at >= since and l.created_at <= now_at and not l.is_spam
  ), aggregated as (
    select grouping(dim_key, source_id, bucket_no) as grouping_set, dim_key, source_id, bucket_no,
           count(*) as leads,
           private.metric_figures(
             count(*), count(first_contact_at),
             percentile_cont(array[0.5, 0.9]) within group (order by speed_business),
             percentile_cont(array[0.5, 0.9]) within group (order by speed_calendar),
             count(*) filter (where sla_met), count(*) filter (where sla_missed),
             count(*) filter (where reached), count(*) filter (where converted),
             coalesce(sum(attempt_count), 0), count(*) filter (where escalated)) as figures
    from scope
    group by grouping sets ((), (dim_key), (source_id), (bucket_no))
  )
  select
    (select a.figures from aggregated a where a.grouping_set = 7),
    (select coalesce(jsonb_agg(jsonb_build_object('key', a.dim_key, 'label', label.text) || a.figures
                               order by a.leads desc, label.text, a.dim_key), '[]')
     from aggregated a
     cross join lateral (select case dimension
       when 'rep' then coalesce((select m.full_name from public.members m where m.id = a.dim_key::uuid), 'Unassigned')
       when 'source' then coalesce((select ls.name from public.lead_sources ls where ls.id = a.dim_key::uuid), 'No source')
       when 'channel' then coalesce(a.dim_key, 'No source')
       else a.dim_key end as text) as label
     where a.grouping_set = 3),
    (select coalesce(jsonb_agg(jsonb_build_object(
               'key', a.source_id, 'label', coalesce(ls.name, 'No source'),
               'leads', a.figures -> 'leads', 'converted', a.figures -> 'converted',
               'conversion_rate', a.figures -> 'conversion_rate')
             order by a.leads desc, ls.name, a.source_id), '[]')
     from aggregated a
     left join public.lead_sources ls on ls.id = a.source_id
     where a.grouping_set = 5),
    (select jsonb_agg(jsonb_build_object(
               'at', bucket_starts[b.n], 'leads', coalesce(a.leads, 0),
               'speed_business_p50', a.figures -> 'speed_business_p50',
               'sla_compliance', a.figures -> 'sla_compliance')
             order by b.n)
     from generate_subscripts(bucket_starts, 1) as b (n)
     left join aggregated a on a.grouping_set = 6 and a.bucket_no = b.n)
  into totals, by_dimension, by_source, trend;

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
