-- Business time in SQL, for the RPCs (follow-up cadence) and the metrics (speed to lead in
-- business minutes). Same rules as the TypeScript module in supabase/functions/_shared/domain:
--   * Open hours are each local date's weekly_hours intervals, minus holidays, read in the
--     calendar's time zone (so they follow daylight-saving changes).
--   * A null calendar or an always_open one counts every minute (24/7).
--   * business_add_minutes(c, t, n): the earliest instant by which n open minutes have passed
--     since t. From a closed time the count starts at the next opening; reaching n exactly at a
--     closing time returns that closing time; n <= 0 returns t.
--   * business_minutes_between(c, a, b): open minutes within [a, b], fractions kept; negative
--     when b is before a.

-- The open intervals of the local dates first_day..last_day, in order.
create function private.open_intervals(tz text, weekly_hours jsonb, holidays date[], first_day date, last_day date)
returns table (opens_at timestamptz, closes_at timestamptz)
language sql stable set search_path = '' as $$
  select (day + (span ->> 'start')::time) at time zone tz,
         (day + (span ->> 'end')::time) at time zone tz
  from generate_series(0, last_day - first_day) as offsets(n)
  cross join lateral (select first_day + offsets.n as day) as local_day
  cross join lateral jsonb_array_elements(coalesce(weekly_hours -> extract(dow from local_day.day)::int::text, '[]')) as span
  where local_day.day <> all (coalesce(holidays, '{}'))
  order by 1
$$;

-- Whether `at` falls in open hours, e.g. a member's working_hours in their time zone.
create function private.within_weekly_hours(tz text, weekly_hours jsonb, holidays date[], at timestamptz)
returns boolean
language sql stable set search_path = '' as $$
  select exists (
    select 1
    from private.open_intervals(tz, weekly_hours, holidays, (at at time zone tz)::date, (at at time zone tz)::date) as i
    where i.opens_at <= at and at < i.closes_at
  )
$$;

create function private.business_add_minutes(calendar_id uuid, start_at timestamptz, minutes integer)
returns timestamptz
language plpgsql stable set search_path = '' as $$
declare
  calendar public.business_calendars;
  remaining numeric;
  first_day date;
  span record;
  counted_from timestamptz;
  available numeric;
begin
  if start_at is null or minutes is null then
    return null;
  end if;
  if minutes <= 0 then
    return start_at;
  end if;
  if calendar_id is not null then
    select * into calendar from public.business_calendars c where c.id = business_add_minutes.calendar_id;
    if not found then
      raise exception 'business calendar % does not exist', calendar_id using errcode = '22023';
    end if;
  end if;
  if calendar_id is null or calendar.always_open then
    return start_at + make_interval(mins => minutes);
  end if;
  if not exists (select 1 from jsonb_each(calendar.weekly_hours) as d where jsonb_array_length(d.value) > 0) then
    raise exception 'business calendar "%" has no open hours', calendar.name using errcode = '22023';
  end if;

  remaining := minutes * 60;
  first_day := (start_at at time zone calendar.time_zone)::date;
  -- Two weeks at a time: one chunk covers nearly every SLA and cadence step; ten years is the limit
  -- for a calendar whose holidays close it for good.
  for chunk in 0..260 loop
    for span in
      select i.opens_at, i.closes_at
      from private.open_intervals(calendar.time_zone, calendar.weekly_hours, calendar.holidays,
                                  first_day + chunk * 14, first_day + chunk * 14 + 13) as i
      where i.closes_at > start_at
    loop
      counted_from := greatest(span.opens_at, start_at);
      available := extract(epoch from span.closes_at - counted_from);
      if available >= remaining then
        return counted_from + make_interval(secs => remaining);
      end if;
      remaining := remaining - available;
    end loop;
  end loop;
  raise exception 'business calendar "%" has no open hours in the next ten years', calendar.name using errcode = '22023';
end
$$;

create function private.business_minutes_between(calendar_id uuid, start_at timestamptz, end_at timestamptz)
returns numeric
language plpgsql stable set search_path = '' as $$
declare
  calendar public.business_calendars;
begin
  if start_at is null or end_at is null then
    return null;
  end if;
  if end_at < start_at then
    return -private.business_minutes_between(calendar_id, end_at, start_at);
  end if;
  if calendar_id is not null then
    select * into calendar from public.business_calendars c where c.id = business_minutes_between.calendar_id;
    if not found then
      raise exception 'business calendar % does not exist', calendar_id using errcode = '22023';
    end if;
  end if;
  if calendar_id is null or calendar.always_open then
    return extract(epoch from end_at - start_at) / 60;
  end if;
  return coalesce((
    select sum(extract(epoch from least(i.closes_at, end_at) - greatest(i.opens_at, start_at)))
    from private.open_intervals(calendar.time_zone, calendar.weekly_hours, calendar.holidays,
                                (start_at at time zone calendar.time_zone)::date,
                                (end_at at time zone calendar.time_zone)::date) as i
    where i.closes_at > start_at and i.opens_at < end_at
  ), 0) / 60;
end
$$;

grant execute on function private.open_intervals(text, jsonb, date[], date, date),
  private.within_weekly_hours(text, jsonb, date[], timestamptz),
  private.business_add_minutes(uuid, timestamptz, integer),
  private.business_minutes_between(uuid, timestamptz, timestamptz)
  to authenticated, service_role;
