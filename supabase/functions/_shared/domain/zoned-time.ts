// Conversions between instants and wall-clock time in an IANA time zone.
// A "local day" is a day number: whole days since 1970-01-01 of the zone's calendar, so that date
// arithmetic never touches the zone (no DST surprises when stepping from one day to the next).
import { tzOffset } from '@date-fns/tz'

export const MINUTE_MS = 60_000
export const DAY_MS = 86_400_000

/** UTC offset of `timeZone` at `instantMs`, in milliseconds (UTC+2 is +7,200,000). */
export function offsetMs(timeZone: string, instantMs: number): number {
  return tzOffset(timeZone, new Date(instantMs)) * MINUTE_MS
}

/** Throws a RangeError unless `timeZone` is a zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  if (typeof timeZone !== 'string' || timeZone === '' || Number.isNaN(tzOffset(timeZone, new Date(0)))) {
    throw new RangeError(`Unknown time zone: ${String(timeZone)}`)
  }
}

/** The local day (days since 1970-01-01 in the zone) that contains `instantMs`. */
export function localDayOf(timeZone: string, instantMs: number): number {
  return Math.floor((instantMs + offsetMs(timeZone, instantMs)) / DAY_MS)
}

/** 0 = Sunday … 6 = Saturday for a local day number (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7
}

/** 'YYYY-MM-DD' to a day number, or null when the text is not a real calendar date. */
export function dayFromIsoDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return null
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const ms = Date.UTC(year, month - 1, date)
  const check = new Date(ms)
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null
  return ms / DAY_MS
}

/** A day number as 'YYYY-MM-DD'. */
export function isoDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/**
 * The instant at which the zone's clocks show `minuteOfDay` minutes after midnight of local `day`
 * (minuteOfDay may run past 1440 into the following days).
 * - In a spring-forward gap the wall time never shows; we answer the instant of the jump, the first
 *   moment the clocks are past it. A window from 02:00 to 03:00 that night is therefore empty, and
 *   one from 01:00 to 02:30 closes at the jump, exactly when a wall clock would say it has.
 * - In a fall-back overlap the wall time happens twice; we take the first occurrence, so a window
 *   from 00:00 to 02:00 that night stays open through the repeated hour.
 * The mapping is monotonic, so windows keep their order.
 */
export function zonedWallTimeToInstant(timeZone: string, day: number, minuteOfDay: number): number {
  const wall = day * DAY_MS + minuteOfDay * MINUTE_MS
  // Zones change offset at most once in any 2-day span, so the offsets a day either side are the
  // only two candidates.
  const before = offsetMs(timeZone, wall - DAY_MS)
  const after = offsetMs(timeZone, wall + DAY_MS)
  if (before === after) return wall - before
  const early = wall - before
  const late = wall - after
  const earlyValid = offsetMs(timeZone, early) === before
  const lateValid = offsetMs(timeZone, late) === after
  if (earlyValid && lateValid) return Math.min(early, late)
  if (earlyValid) return early
  if (lateValid) return late
  return instantOfJump(timeZone, Math.min(early, late), Math.max(early, late), before)
}

/** Binary search for the first instant in (lo, hi] whose offset is no longer `offsetBefore`. */
function instantOfJump(timeZone: string, lo: number, hi: number, offsetBefore: number): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (offsetMs(timeZone, mid) === offsetBefore) lo = mid
    else hi = mid
  }
  return hi
}
