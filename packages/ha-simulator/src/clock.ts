/**
 * Time as Home Assistant writes it. Instants are integers of microseconds since the epoch (Python's
 * datetime resolution); they print as `datetime.isoformat()` of an aware UTC datetime and as
 * `datetime.timestamp()` floats, and parse as `homeassistant.util.dt.parse_datetime`.
 */
import { randomBytes } from 'node:crypto';

let lastUs = 0;

/** Now, in microseconds; strictly increasing within the process so two writes never tie. */
export function nowUs(): number {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastUs = us > lastUs ? us : lastUs + 1;
  return lastUs;
}

export const MS = 1000;
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `datetime.timestamp()`: seconds as a float. */
export const timestamp = (us: number): number => us / SECOND;

/** `datetime.isoformat()` of a UTC datetime: microseconds only when non-zero, `+00:00` suffix. */
export function isoformat(us: number): string {
  const seconds = Math.floor(us / SECOND);
  const micro = us - seconds * SECOND;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro === 0 ? `${base}+00:00` : `${base}.${String(micro).padStart(6, '0')}+00:00`;
}

// The fallback pattern of homeassistant.util.dt.parse_datetime (also accepts what ciso8601 does).
const DATETIME_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d{0,6})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Offset of `timeZone` from UTC at the instant `utcMs`, in milliseconds. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** A wall-clock time in `timeZone` (given as if it were UTC) to the UTC instant, in milliseconds. */
export function zonedToUtcMs(wallMs: number, timeZone: string): number {
  const first = wallMs - zoneOffsetMs(wallMs, timeZone);
  return wallMs - zoneOffsetMs(first, timeZone);
}

/**
 * Parse an ISO 8601 date-time the way Home Assistant does; a naive value is in the configured
 * time zone (`dt_util.as_utc`). Returns microseconds, or null when it does not parse.
 */
export function parseDatetime(text: string, timeZone: string): number | null {
  const m = DATETIME_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31) return null;
  if (fields[3] > 23 || fields[4] > 59 || fields[5] > 59) return null;
  const wallMs = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
  if (new Date(wallMs).getUTCDate() !== fields[2]) return null; // 2024-02-31 and the like
  let utcMs: number;
  if (tz === undefined) {
    utcMs = zonedToUtcMs(wallMs, timeZone);
  } else if (tz === 'Z') {
    utcMs = wallMs;
  } else {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    utcMs = wallMs - sign * offsetMin * 60_000;
  }
  return utcMs * MS + Number(frac.padEnd(6, '0') || '0');
}

/** Midnight today in `timeZone`, as UTC microseconds (`dt_util.start_of_local_day`). */
export function startOfLocalDayUs(us: number, timeZone: string): number {
  const utcMs = Math.floor(us / MS);
  const wall = new Date(utcMs + zoneOffsetMs(utcMs, timeZone));
  const midnightWall = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate());
  return zonedToUtcMs(midnightWall, timeZone) * MS;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (26 characters, Crockford base 32) as `ulid_transform.ulid_at_time` makes context ids. */
export function ulid(atUs: number = nowUs()): string {
  let ms = Math.floor(atUs / MS);
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  const random = randomBytes(16);
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[(random[i] ?? 0) % 32];
  return time + rest;
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
