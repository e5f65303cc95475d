import { describe, expect, it } from 'vitest';
import { HOUR, isoformat, nowUs, parseDatetime, startOfLocalDayUs, timestamp, ulid } from '../src/clock.js';

describe('clock', () => {
  it('prints datetime.isoformat() of a UTC instant, microseconds only when non-zero', () => {
    expect(isoformat(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123456)).toBe('2024-01-02T03:04:05.123456+00:00');
    expect(isoformat(Date.UTC(2024, 0, 2, 3, 4, 5) * 1000)).toBe('2024-01-02T03:04:05+00:00');
    expect(timestamp(1_700_000_000_500_000)).toBe(1_700_000_000.5);
  });

  it('parses ISO date-times like dt_util.parse_datetime, naive ones in the configured zone', () => {
    expect(parseDatetime('2024-01-01T10:00:00.5+02:00', 'UTC')).toBe(
      Date.UTC(2024, 0, 1, 8) * 1000 + 500_000,
    );
    expect(parseDatetime('2024-01-01T10:00:00Z', 'Europe/Paris')).toBe(Date.UTC(2024, 0, 1, 10) * 1000);
    expect(parseDatetime('2024-07-01T00:00:00', 'Europe/Paris')).toBe(Date.UTC(2024, 5, 30, 22) * 1000);
    expect(parseDatetime('2024-01-01 00:00', 'Europe/Paris')).toBe(Date.UTC(2023, 11, 31, 23) * 1000);
    expect(parseDatetime('2024-02-31T00:00:00Z', 'UTC')).toBeNull();
    expect(parseDatetime('yesterday', 'UTC')).toBeNull();
    // A "+" that became a space in a query string no longer parses, as in Home Assistant.
    expect(parseDatetime('2024-01-01T00:00:00 02:00', 'UTC')).toBeNull();
  });

  it('finds local midnight across time zones', () => {
    const at = Date.UTC(2024, 6, 1, 12) * 1000;
    expect(startOfLocalDayUs(at, 'Europe/Paris')).toBe(Date.UTC(2024, 5, 30, 22) * 1000);
    expect(startOfLocalDayUs(at, 'America/New_York')).toBe(Date.UTC(2024, 6, 1, 4) * 1000);
    expect(startOfLocalDayUs(at, 'UTC') + 12 * HOUR).toBe(at);
  });

  it('makes 26-character ULIDs whose time part sorts with time, and increasing instants', () => {
    const early = ulid(Date.UTC(2024, 0, 1) * 1000);
    const late = ulid(Date.UTC(2025, 0, 1) * 1000);
    expect(early).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(early.slice(0, 10) < late.slice(0, 10)).toBe(true);
    const a = nowUs();
    const b = nowUs();
    expect(b).toBeGreaterThan(a);
  });
});
