-- Business time in SQL, for the RPCs (follow-up cadence) and the metrics (speed to lead in
-- business minutes). The same rules as supabase/functions/_shared/domain/business-hours.ts:
--   * Open hours are each local date's weekly_hours windows, read in the calendar's time zone.
--     A window whose end is before its start runs overnight into the next day; a holiday closes
--     the windows that start on that date. Overlapping windows count each minute once.
--   * Local times map to instants as the TS does: in a fall-back overlap the first occurrence,
--     in a spring-forward gap the instant the clocks jump.
--   * A null calendar or an always_open one counts every minute (24/7).
--   * business_add_minutes(c, t, n): the instant n open minutes after t. Time before the next
--     opening does not count (a lead arriving after hours is clocked from the next opening), so
--     0 minutes gives that opening; using a window up exactly lands on its closing time.
--   * business_minutes_between(c, a, b): open minutes within [a, b], fractions kept; negative
--     when b is before a.

-- The zone's UTC offset at an instant.
create function private.utc_offset(tz text, at timestamptz) returns interval
language sql stable parallel safe
return (at at time zone tz) - (at at time zone 'UTC');

-- local_instant (below) within a day of an offset change.
create function private.local_instant_near_change(tz text, day date, minute_of_day integer) returns timestamptz
language plpgsql stable parallel safe set search_path = '' as $$
declare
  wall timestamp := day + make_interval(mins => minute_of_day);
  offset_before interval := private.utc_offset(tz, (wall - interval '1 day') at time zone 'UTC');
  offset_after interval := private.utc_offset(tz, (wall + interval '1 day') at time zone 'UTC');
  early timestamptz := (wall - offset_before) at time zone 'UTC';
  late timestamptz := (wall - offset_after) at time zone 'UTC';
  low timestamptz;
  high timestamptz;
  middle timestamptz;
begin
  if private.utc_offset(tz, early) = offset_before and private.utc_offset(tz, late) = offset_after then
    -- Shown twice (fall back): the first time.
    return least(early, late);
  elsif private.utc_offset(tz, early) = offset_before then
    return early;
  elsif private.utc_offset(tz, late) = offset_after then
    return late;
  end if;
  -- Never shown (spring forward): the instant of the jump, to the microsecond.
  low := least(early, late);
  high := greatest(early, late);
  while high - low > interval '1 microsecond' loop
    middle := low + (high - low) / 2;
    if private.utc_offset(tz, middle) = offset_before then
      low := middle;
    else
      high := middle;
    end if;
  end loop;
  return high;
end
$$;

-- The instant at which the zone's clocks show `minute_of_day` minutes after midnight of local
-- date `day` (it may run past 1440 into the next day). A zone changes its offset at most once
-- in two days: when the offsets a day either side agree, the wall time maps plainly.
create function private.local_instant(tz text, day date, minute_of_day integer) returns timestamptz
language plpgsql stable parallel safe set search_path = '' as $$
declare
  wall timestamp := day + make_interval(mins => minute_of_day);
  day_before timestamptz := (wall - interval '1 day') at time zone 'UTC';
  day_after timestamptz := (wall + interval '1 day') at time zone 'UTC';
begin
  if (day_before at time zone tz) - (wall - interval '1 day') = (day_after at time zone tz) - (wall + interval '1 day') then
    return wall at time zone tz;
  end if;
  return private.local_instant_near_change(tz, day, minute_of_day);
end
$$;

-- The windows of the local dates first_day..last_day as instants, ordered by opening. They may
-- overlap (an overnight window and the next morning's); consumers count each minute once.
-- The weekly hours are read once into arrays and the days walked in a loop: plain PL/pgSQL
-- expressions cost far less here than a query per day or one planned per call.
create function private.open_intervals(tz text, weekly_hours jsonb, holidays date[], first_day date, last_day date)
returns table (opens_at timestamptz, closes_at timestamptz)
language plpgsql stable set search_path = '' as $$
declare
  weekdays integer[];
  starts integer[];
  ends integer[];
  day date;
begin
  select array_agg(w.weekday order by w.weekday, w.start_minute),
         array_agg(w.start_minute order by w.weekday, w.start_minute),
         array_agg(case when w.end_minute > w.start_minute then w.end_minute else w.end_minute + 1440 end
                   order by w.weekday, w.start_minute)
  into weekdays, starts, ends
  from (
    select d.key::int as weekday,
           split_part(span ->> 'start', ':', 1)::int * 60 + split_part(span ->> 'start', ':', 2)::int as start_minute,
           split_part(span ->> 'end', ':', 1)::int * 60 + split_part(span ->> 'end', ':', 2)::int as end_minute
    from jsonb_each(weekly_hours) as d, jsonb_array_elements(d.value) as span
  ) as w;
  if weekdays is null then
    return;
  end if;
  for day_number in 0..(last_day - first_day) loop
    day := first_day + day_number;
    continue when day = any (coalesce(holidays, '{}'));
    for i in 1..cardinality(weekdays) loop
      continue when weekdays[i] <> extract(dow from day);
      opens_at := private.local_instant(tz, day, starts[i]);
      closes_at := private.local_instant(tz, day, ends[i]);
      -- A window inside a spring-forward gap is empty.
      if closes_at > opens_at then
        return next;
      end if;
    end loop;
  end loop;
end
$$;

-- Whether `at` falls in open hours, e.g. a member's working_hours in their time zone.
create function private.within_weekly_hours(tz text, weekly_hours jsonb, holidays date[], at timestamptz)
returns boolean
language plpgsql stable set search_path = '' as $$
begin
  return exists (
    select 1
    -- From the day before: an overnight window may still be open.
    from private.open_intervals(tz, weekly_hours, holidays, (at at time zone tz)::date - 1, (at at time zone tz)::date) as i
    where i.opens_at <= within_weekly_hours.at and within_weekly_hours.at < i.closes_at
  );
end
$$;

create function private.business_add_minutes(calendar_id uuid, start_at timestamptz, minutes integer)
returns timestamptz
language plpgsql stable set search_path = '' as $$
declare
  calendar public.business_calendars;
  remaining numeric;
  first_day date;
  span record;
  covered timestamptz;
  available numeric;
begin
  if start_at is null or minutes is null then
    return null;
  end if;
  if minutes < 0 then
    raise exception 'minutes must be >= 0' using errcode = '22023';
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
  covered := start_at;
  -- From the day before (an overnight window may still be open), a week at a time: one chunk
  -- covers nearly every SLA and cadence step; ten years is the limit for a calendar whose
  -- holidays close it for good.
  first_day := (start_at at time zone calendar.time_zone)::date - 1;
  for chunk in 0..521 loop
    for span in
      select i.opens_at, i.closes_at
      from private.open_intervals(calendar.time_zone, calendar.weekly_hours, calendar.holidays,
                                  first_day + chunk * 7, first_day + chunk * 7 + 6) as i
    loop
      -- Count each minute once, and none before the start.
      continue when span.closes_at <= covered;
      available := extract(epoch from span.closes_at - greatest(span.opens_at, covered));
      if available >= remaining then
        return greatest(span.opens_at, covered) + make_interval(secs => remaining);
      end if;
      remaining := remaining - available;
      covered := span.closes_at;
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
    select sum(extract(epoch from least(w.closes_at, end_at) - w.counted_from))
    from (
      -- Each window counts from where the windows before it stopped (overlaps once), and from start_at.
      select i.closes_at,
             greatest(i.opens_at, start_at,
                      max(i.closes_at) over (order by i.opens_at, i.closes_at rows between unbounded preceding and 1 preceding)) as counted_from
      from private.open_intervals(calendar.time_zone, calendar.weekly_hours, calendar.holidays,
                                  (start_at at time zone calendar.time_zone)::date - 1,
                                  (end_at at time zone calendar.time_zone)::date) as i
    ) as w
    where w.counted_from < least(w.closes_at, end_at)
  ), 0) / 60;
end
$$;

grant execute on function private.utc_offset(text, timestamptz),
  private.local_instant(text, date, integer),
  private.local_instant_near_change(text, date, integer),
  private.open_intervals(text, jsonb, date[], date, date),
  private.within_weekly_hours(text, jsonb, date[], timestamptz),
  private.business_add_minutes(uuid, timestamptz, integer),
  private.business_minutes_between(uuid, timestamptz, timestamptz)
  to authenticated, service_role;
