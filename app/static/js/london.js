// London dates and times: the pages' one helper for them. Instants come from the API in UTC;
// people read and type them in Europe/London, whatever the browser's own time zone.

export const LONDON = "Europe/London";

function londonParts(date) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  const get = (type) => parts.find((part) => part.type === type).value;
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute") };
}

// Today's date in London, "YYYY-MM-DD".
export function londonToday() {
  const p = londonParts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

// "2026-03-28" + 3 days -> "2026-03-31" (calendar arithmetic, no time zone involved).
export function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// A UTC instant as the value of a datetime-local input in London time: "2026-03-28T22:00".
// The API reads such text as London local time.
export function toLocalInput(iso) {
  if (!iso) return "";
  const p = londonParts(new Date(iso));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// The London date of an instant: "2026-03-28".
export function londonDate(iso) {
  return toLocalInput(iso).slice(0, 10);
}

// "Sat 28 Mar 2026, 22:00" in London time.
export function formatWhen(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(new Date(iso));
}

// "22:00" in London time.
export function formatClock(iso) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(new Date(iso));
}

// "Saturday 28 March 2026" for a date "2026-03-28"; options as Intl's (e.g. {day, month}).
export function formatDay(isoDate, options = { weekday: "long", day: "numeric", month: "long", year: "numeric" }) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", ...options })
    .format(new Date(`${isoDate}T12:00:00Z`));
}

export function formatRange(startIso, endIso) {
  return `${formatWhen(startIso)} to ${formatWhen(endIso)}`;
}

export function formatDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

export function formatDate(iso) {
  if (!iso) return "";
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00Z`) : new Date(iso);
  return new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, day: "numeric", month: "long", year: "numeric" }).format(date);
}

// "Sat" for an instant, in London.
export function formatWeekday(iso) {
  return new Intl.DateTimeFormat("en-GB", { timeZone: LONDON, weekday: "short" }).format(new Date(iso));
}

// "14:05:09" for an instant (default: now), in London.
export function formatClockSeconds(iso) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: LONDON, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  }).format(iso ? new Date(iso) : new Date());
}
