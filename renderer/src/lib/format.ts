// Dates, numbers and counts as people read them, in the user's own locale.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const numberFormat = new Intl.NumberFormat();
// Billing periods are computed in UTC on the server: show their days as UTC so a period starting
// 1 July 00:00 UTC never reads as 30 June west of Greenwich.
const utcDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const utcMonthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function formatDateTime(date: Date | null | undefined): string {
  return date ? dateTimeFormat.format(date) : '—';
}

export function formatDate(date: Date | null | undefined): string {
  return date ? dateFormat.format(date) : '—';
}

/** A billing period as its first and last day: "Jul 1, 2026 – Jul 31, 2026" (the end is exclusive). */
export function formatPeriod(start: Date, end: Date): string {
  const last = new Date(Math.max(start.getTime(), end.getTime() - 1));
  return utcDateFormat.formatRange(start, last);
}

/** "July 2026", for a UTC month. */
export function formatMonth(date: Date): string {
  return utcMonthFormat.format(date);
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "in 6 days", "just now". */
export function formatRelative(date: Date, now: number = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** "1 member", "3 members". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}
