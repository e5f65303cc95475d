import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/ha/link.js';

describe('backoffMs', () => {
  it('doubles from 1 s after each failure, up to the cap, within ±20 % of jitter', () => {
    for (const [failures, base] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [5, 16_000],
      [6, 30_000],
      [40, 30_000],
    ] as const) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffMs(failures, 30_000);
        expect(delay).toBeGreaterThanOrEqual(base * 0.8);
        expect(delay).toBeLessThanOrEqual(base * 1.2);
      }
    }
  });

  it('spreads the retries of many bridges instead of aligning them', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffMs(3, 30_000)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
