import { describe, expect, it } from 'vitest';
import { timeRange } from '../../src/tools/time-range.js';

const NOW = Date.parse('2025-03-10T12:00:00Z');

describe('timeRange', () => {
  it('defaults to the 24 hours before end, end to now', () => {
    expect(timeRange(undefined, undefined, NOW)).toEqual({
      start: '2025-03-09T12:00:00.000Z',
      end: '2025-03-10T12:00:00.000Z',
    });
    expect(timeRange(undefined, '2025-03-01T00:00:00+01:00', NOW)).toEqual({
      start: '2025-02-27T23:00:00.000Z',
      end: '2025-02-28T23:00:00.000Z',
    });
    expect(timeRange('2025-03-10T06:00:00Z', undefined, NOW).end).toBe('2025-03-10T12:00:00.000Z');
  });

  it('refuses an empty, reversed or too long period', () => {
    expect(() => timeRange('2025-03-10T12:00:00Z', undefined, NOW)).toThrow('start must be before end');
    expect(() => timeRange('2025-03-01T00:00:00Z', undefined, NOW)).toThrow(/longer than 7 days/);
  });
});
