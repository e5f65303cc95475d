import { describe, expect, it } from 'vitest';
import { sinceSeconds } from '../../src/tools/get-container-logs.js';

describe('since', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('takes durations back from now, RFC 3339 dates and Unix seconds', () => {
    expect(sinceSeconds('90s', now)).toBe(String(now / 1000 - 90));
    expect(sinceSeconds('10m', now)).toBe(String(now / 1000 - 600));
    expect(sinceSeconds('2h', now)).toBe(String(now / 1000 - 7200));
    expect(sinceSeconds('1d', now)).toBe(String(now / 1000 - 86_400));
    expect(sinceSeconds('2026-03-01T11:00:00Z', now)).toBe(String(now / 1000 - 3600));
    expect(sinceSeconds('2026-03-01T13:00:00+02:00', now)).toBe(String(now / 1000 - 3600));
    expect(sinceSeconds('1772366400.5', now)).toBe('1772366400.5');
  });

  it('refuses anything else', () => {
    for (const text of ['yesterday', '10 minutes', '-5m', '2026-13-45T99:00:00Z', '1e9', ''])
      expect(sinceSeconds(text, now)).toBeUndefined();
  });
});
