// ISO 8601 text of a date, written once per Date object: the thousands of pushes and events of a
// large run share a handful of dates (its clock, the fresh due time, the escalation time), and
// toISOString is the most of what building one of them costs.

const written = new WeakMap<Date, string>()

export function isoText(date: Date): string {
  let text = written.get(date)
  if (text === undefined)
    written.set(date, text = date.toISOString())
  return text
}
