// SLA math in business minutes: when a business calendar is open, and how far a number of business
// minutes reaches. Business minutes are real elapsed minutes while open, so a day that loses an hour
// to daylight saving has one hour less of business time, and a window that falls into the
// spring-forward gap is simply empty.
import { z } from 'zod'
import {
  assertTimeZone,
  dayFromIsoDate,
  localDayOf,
  MINUTE_MS,
  weekdayOf,
  zonedWallTimeToInstant,
} from './zoned-time.ts'

const weekdays = ['0', '1', '2', '3', '4', '5', '6'] as const
/** Weekday keys of weekly hours: '0' = Sunday … '6' = Saturday. */
export type Weekday = (typeof weekdays)[number]

const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/
const clockEnd = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/

export const timeWindowSchema = z
  .object({
    start: z.string().regex(clockTime, 'start must be HH:MM'),
    end: z.string().regex(clockEnd, 'end must be HH:MM or 24:00'),
  })
  .refine(window => window.start !== window.end, 'a window must not start and end at the same time')

/**
 * Local opening hours per weekday. A window whose end is before its start runs overnight into the
 * next day (it belongs to the day it starts on). A weekday that is missing or empty is closed.
 */
export const weeklyHoursSchema = z.partialRecord(z.enum(weekdays), z.array(timeWindowSchema).max(48))

export const businessCalendarSchema = z.object({
  timeZone: z.string().min(1),
  weeklyHours: weeklyHoursSchema,
  /** Local dates (YYYY-MM-DD) on which windows starting that day do not open. */
  holidays: z.array(z.string().refine(text => dayFromIsoDate(text) !== null, 'holidays must be YYYY-MM-DD dates')),
  /** 24/7: every minute is a business minute. */
  alwaysOpen: z.boolean().optional(),
})

export type TimeWindow = z.infer<typeof timeWindowSchema>
export type WeeklyHours = z.infer<typeof weeklyHoursSchema>
export interface BusinessCalendar {
  timeZone: string
  weeklyHours: Readonly<Partial<Record<Weekday, readonly TimeWindow[]>>>
  holidays: readonly string[]
  alwaysOpen?: boolean
}

/** A calendar, or null for 24/7. */
export type CalendarOrAlwaysOpen = BusinessCalendar | null | undefined

interface Interval {
  start: number
  end: number
}

interface CompiledCalendar {
  timeZone: string
  /** Per weekday, windows in minutes after local midnight, sorted by start. */
  windows: Array<Array<[number, number]>>
  holidays: Set<number>
  /** Open intervals per local day, kept because SLA runs ask for the same few days again and again. */
  days: Map<number, Interval[]>
  /** How many closed days in a row can happen before we are sure the calendar never opens. */
  maxClosedRun: number
}

// Callers usually pass the same calendar object many times (one policy, many leads); equal
// calendars parsed afresh per request still share one compiled form through the key text.
const compiledByObject = new WeakMap<BusinessCalendar, CompiledCalendar>()
const compiledCache = new Map<string, CompiledCalendar>()
const COMPILED_CACHE_LIMIT = 256
const DAY_CACHE_LIMIT = 4096

function minutesOf(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5))
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const known = compiledByObject.get(calendar)
  if (known) return known
  const key = JSON.stringify([calendar.timeZone, calendar.weeklyHours, calendar.holidays])
  const cached = compiledCache.get(key) ?? compileAfresh(calendar)
  if (compiledCache.size >= COMPILED_CACHE_LIMIT) compiledCache.clear()
  compiledCache.set(key, cached)
  compiledByObject.set(calendar, cached)
  return cached
}

function compileAfresh(calendar: BusinessCalendar): CompiledCalendar {
  const parsed = businessCalendarSchema.safeParse(calendar)
  if (!parsed.success) {
    throw new RangeError(`Invalid business calendar: ${parsed.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  }
  const { timeZone, weeklyHours, holidays } = parsed.data
  assertTimeZone(timeZone)
  const windows = weekdays.map(weekday =>
    (weeklyHours[weekday] ?? [])
      .map(({ start, end }): [number, number] => {
        const from = minutesOf(start)
        const to = minutesOf(end)
        return [from, to > from ? to : to + 1440]
      })
      .sort((a, b) => a[0] - b[0]),
  )
  if (windows.every(day => day.length === 0)) {
    throw new RangeError('Invalid business calendar: it has no opening hours (use alwaysOpen for 24/7)')
  }
  const holidayDays = new Set(holidays.map(text => dayFromIsoDate(text) as number))
  return {
    timeZone,
    windows,
    holidays: holidayDays,
    days: new Map(),
    // A calendar open one day a week loses at most a week per holiday, plus one more for a window
    // that falls into a daylight-saving gap.
    maxClosedRun: (holidayDays.size + 2) * 7,
  }
}

function intervalsOfDay(calendar: CompiledCalendar, day: number): Interval[] {
  const cached = calendar.days.get(day)
  if (cached) return cached
  const intervals: Interval[] = []
  if (!calendar.holidays.has(day)) {
    for (const [from, to] of calendar.windows[weekdayOf(day)]) {
      const start = zonedWallTimeToInstant(calendar.timeZone, day, from)
      const end = zonedWallTimeToInstant(calendar.timeZone, day, to)
      if (end > start) intervals.push({ start, end })
    }
  }
  if (calendar.days.size >= DAY_CACHE_LIMIT) calendar.days.clear()
  calendar.days.set(day, intervals)
  return intervals
}

/** Open intervals in time order that end after `fromMs`, never overlapping. Endless. */
function* openIntervals(calendar: CompiledCalendar, fromMs: number): Generator<Interval, never> {
  // Start a day early: an overnight window of the previous day may still be running.
  let day = localDayOf(calendar.timeZone, fromMs) - 1
  let covered = fromMs
  let closedRun = 0
  for (;;) {
    const intervals = intervalsOfDay(calendar, day)
    day += 1
    let yielded = false
    for (const interval of intervals) {
      // Overnight windows can overlap the next day's first window: count each minute once.
      const start = Math.max(interval.start, covered)
      if (interval.end <= start) continue
      covered = interval.end
      yielded = true
      yield { start, end: interval.end }
    }
    closedRun = yielded ? 0 : closedRun + 1
    if (closedRun > calendar.maxClosedRun) throw new RangeError('Business calendar never opens again')
  }
}

function instantOf(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid Date`)
  return ms
}

function isAlwaysOpen(calendar: CalendarOrAlwaysOpen): calendar is null | undefined {
  return calendar == null || calendar.alwaysOpen === true
}

/** Whether the calendar is open at `at` (windows include their start, exclude their end). */
export function isOpen(calendar: CalendarOrAlwaysOpen, at: Date): boolean {
  const ms = instantOf(at, 'at')
  if (isAlwaysOpen(calendar)) return true
  const first = openIntervals(compile(calendar), ms).next().value
  return first.start <= ms
}

/** The earliest instant at or after `at` when the calendar is open. */
export function nextOpening(calendar: CalendarOrAlwaysOpen, at: Date): Date {
  const ms = instantOf(at, 'at')
  if (isAlwaysOpen(calendar)) return new Date(ms)
  const first = openIntervals(compile(calendar), ms).next().value
  return new Date(Math.max(first.start, ms))
}

/**
 * The instant `minutes` business minutes after `from`. Time before the next opening does not
 * count, so a lead arriving after hours is clocked from the next opening; 0 minutes gives that
 * opening. A deadline that uses up a window exactly lands on its closing time.
 */
export function addBusinessMinutes(calendar: CalendarOrAlwaysOpen, from: Date, minutes: number): Date {
  const fromMs = instantOf(from, 'from')
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError('minutes must be a finite number >= 0')
  let remaining = Math.round(minutes * MINUTE_MS)
  if (isAlwaysOpen(calendar)) return new Date(fromMs + remaining)
  for (const interval of openIntervals(compile(calendar), fromMs)) {
    const available = interval.end - interval.start
    if (remaining <= available) return new Date(interval.start + remaining)
    remaining -= available
  }
  // Unreachable: openIntervals is endless or throws.
  throw new RangeError('Business calendar never opens again')
}

/** Business minutes from `a` to `b` (negative when `b` is before `a`); may be fractional. */
export function businessMinutesBetween(calendar: CalendarOrAlwaysOpen, a: Date, b: Date): number {
  const aMs = instantOf(a, 'a')
  const bMs = instantOf(b, 'b')
  if (bMs < aMs) return -businessMinutesBetween(calendar, b, a)
  if (isAlwaysOpen(calendar)) return (bMs - aMs) / MINUTE_MS
  let total = 0
  for (const interval of openIntervals(compile(calendar), aMs)) {
    if (interval.start >= bMs) break
    total += Math.min(interval.end, bMs) - interval.start
  }
  return total / MINUTE_MS
}

export interface SlaPolicy {
  /** The response window, in business minutes. */
  responseMinutes: number
  /** Remind the rep when this share of the window has passed (default 50). */
  remindAtPct?: number | null
  /** Escalate to the fallback queue at this multiple of the window (default 2). */
  escalateFactor?: number | null
  /**
   * Follow-up cadence: business minutes to wait after attempt 1, after attempt 2, … before the next
   * touch. [1440, 2880] means three touches; after the third the lead goes to nurture.
   */
  cadenceMinutes?: readonly number[] | null
  /** Attempts before nurture (sla_policies.max_attempts); beyond the cadence the last gap repeats. */
  maxAttempts?: number | null
}

export interface SlaDeadlines {
  /** When the clock starts: the arrival, or the next opening for a lead arriving after hours. */
  clockStartsAt: Date
  remindAt: Date
  dueAt: Date
  escalateAt: Date
}

export const DEFAULT_REMIND_AT_PCT = 50
export const DEFAULT_ESCALATE_FACTOR = 2

/** The reminder, due and escalation times of a lead whose clock starts at `start`. */
export function slaDeadlines(policy: SlaPolicy, calendar: CalendarOrAlwaysOpen, start: Date): SlaDeadlines {
  const window = policy.responseMinutes
  const remindAtPct = policy.remindAtPct ?? DEFAULT_REMIND_AT_PCT
  const escalateFactor = policy.escalateFactor ?? DEFAULT_ESCALATE_FACTOR
  if (!Number.isFinite(window) || window <= 0) throw new RangeError('responseMinutes must be > 0')
  if (!Number.isFinite(remindAtPct) || remindAtPct < 0 || remindAtPct > 100) {
    throw new RangeError('remindAtPct must be between 0 and 100')
  }
  if (!Number.isFinite(escalateFactor) || escalateFactor < 1) throw new RangeError('escalateFactor must be >= 1')
  return {
    clockStartsAt: nextOpening(calendar, start),
    remindAt: addBusinessMinutes(calendar, start, (window * remindAtPct) / 100),
    dueAt: addBusinessMinutes(calendar, start, window),
    escalateAt: addBusinessMinutes(calendar, start, window * escalateFactor),
  }
}

/**
 * When the next touch is due after attempt number `attemptNumber` (1 = the first attempt) made at
 * `from`, or null when that was the last attempt and the lead goes to nurture. There are
 * `maxAttempts` attempts (default: one more than the cadence has gaps); when that is more than the
 * cadence covers, the last gap repeats.
 */
export function nextAttemptAt(
  cadenceMinutes: readonly number[] | null | undefined,
  attemptNumber: number,
  calendar: CalendarOrAlwaysOpen,
  from: Date,
  maxAttempts?: number | null,
): Date | null {
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) throw new RangeError('attemptNumber must be an integer >= 1')
  const gaps = cadenceMinutes ?? []
  const attempts = maxAttempts ?? gaps.length + 1
  if (gaps.length === 0 || attemptNumber >= attempts) return null
  return addBusinessMinutes(calendar, from, gaps[Math.min(attemptNumber, gaps.length) - 1])
}
