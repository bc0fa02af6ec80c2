const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

/** A length of time for reading at a glance: "40 s", "12 min", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms)
  if (abs < minute)
    return `${Math.floor(abs / 1000)} s`
  if (abs < hour)
    return `${Math.floor(abs / minute)} min`
  if (abs < day) {
    const minutes = Math.floor((abs % hour) / minute)
    return `${Math.floor(abs / hour)} h${minutes ? ` ${minutes} min` : ''}`
  }
  const hours = Math.floor((abs % day) / hour)
  return `${Math.floor(abs / day)} d${hours ? ` ${hours} h` : ''}`
}

/** A countdown clock: "4:09", "1:02:03". */
export function formatCountdown(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`
}

// Made once: toLocale*String with options builds a new formatter on every call, which made a
// lead's history a long task on phones (one per line).
let timeOfDay: Intl.DateTimeFormat | undefined
let dayOfWeek: Intl.DateTimeFormat | undefined

/**
 * The formatters `formatWhen` uses. Building the first one loads the locale's data, a long task
 * on phones: the next-lead screen builds them one idle moment at a time while its queue request
 * is out (see `timeFormatSteps`), not while it renders the lead.
 */
function timeOfDayFormat(): Intl.DateTimeFormat {
  return timeOfDay ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
}
function dayOfWeekFormat(): Intl.DateTimeFormat {
  return dayOfWeek ??= new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' })
}

/** Builds `formatWhen`'s formatters ahead of use, one step per call so each can be its own task. */
export const timeFormatSteps: readonly (() => void)[] = [timeOfDayFormat, dayOfWeekFormat]

/** A time of day, with the weekday when it is not today: "14:30", "Tue 09:00". */
export function formatWhen(iso: string, now = Date.now()): string {
  const date = new Date(iso)
  const time = timeOfDayFormat().format(date)
  if (new Date(now).toDateString() === date.toDateString())
    return time
  return `${dayOfWeekFormat().format(date)} ${time}`
}

/** The value an `<input type="datetime-local">` takes for this moment, in local time. */
export function toLocalInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}
