import { describe, expect, it } from 'vitest';
import { parseMaxAge, parsePriority, parseTimeout } from '../../src/rest/api.js';

const fails = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { status: number }).status;
  }
};

describe('seed 002 headers', () => {
  it('X-Priority: the five levels in any case, normal = medium', () => {
    expect(parsePriority('HIGH')).toBe('high');
    expect(parsePriority(' bulk ')).toBe('bulk');
    expect(parsePriority('Normal')).toBe('medium');
    expect(parsePriority(undefined)).toBeUndefined();
    expect(fails(() => parsePriority('urgent'))).toBe(400);
  });

  it('X-Timeout: seconds above 0 up to the maximum', () => {
    expect(parseTimeout('30', 5000, 300)).toBe(30_000);
    expect(parseTimeout('0.25', 5000, 300)).toBe(250);
    expect(parseTimeout(undefined, 5000, 300)).toBe(5000);
    for (const bad of ['0', '-1', '301', 'soon', ''])
      expect(fails(() => parseTimeout(bad, 5000, 300))).toBe(400);
  });

  it('X-Cache-Control: max-age or no-cache', () => {
    expect(parseMaxAge('max-age=3600')).toBe(3_600_000);
    expect(parseMaxAge('public, max-age=0')).toBe(0);
    expect(parseMaxAge('no-cache')).toBe(0);
    expect(parseMaxAge(undefined)).toBeUndefined();
    expect(fails(() => parseMaxAge('forever'))).toBe(400);
  });
});
