// Frappe stores datetimes as naive wall-clock text ("2026-03-01 10:15:00.123456") in the site's
// system time zone, and compares `modified` filters as text in that zone. Reading them as UTC would
// shift every "changed since" window by the site's offset and lose changes west of UTC, so both
// directions convert through the site's IANA zone (DST included).
import { PermanentError } from '../../errors.js';

const FRAPPE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function wallClockParts(date: Date, timeZone: string) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(instantMs: number, timeZone: string): number {
  const p = wallClockParts(new Date(instantMs), timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new PermanentError(`ERPNext reports an unknown time zone "${timeZone}"`, {
      code: 'ERPNEXT_BAD_TIME_ZONE',
      context: { timeZone },
    });
  }
}

export function frappeTimeToDate(text: string, timeZone: string): Date {
  const match = FRAPPE_DATETIME.exec(text);
  if (!match) {
    throw new PermanentError(`ERPNext sent a datetime we cannot read: "${text}"`, { code: 'ERP_INVALID_RESPONSE', context: { text } });
  }
  const [, year, month, day, hour, minute, second, fraction] = match;
  const ms = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const wallAsUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms);
  // The offset at the guessed instant can differ from the offset at the true one across a DST
  // change; a second pass settles it.
  let instant = wallAsUtc - offsetMs(wallAsUtc, timeZone);
  const corrected = wallAsUtc - offsetMs(instant, timeZone);
  if (corrected !== instant) instant = corrected;
  return new Date(instant);
}

export function dateToFrappeTime(date: Date, timeZone: string): string {
  const p = wallClockParts(date, timeZone);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const ms = pad(date.getUTCMilliseconds(), 3);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.${ms}000`;
}
