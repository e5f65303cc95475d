import { describe, expect, it } from 'vitest';
import { boundValue, fitWithin, page, shortText } from '../../src/format/bounds.js';

describe('boundValue', () => {
  it('cuts long strings and lists, and deep nesting', () => {
    expect(boundValue('x'.repeat(600))).toBe(`${'x'.repeat(500)}… (600 characters)`);
    const list = boundValue(Array.from({ length: 60 }, (_, i) => i)) as unknown[];
    expect(list).toHaveLength(51);
    expect(list.at(-1)).toBe('… 10 more');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10; i++) deep = { next: deep };
    expect(JSON.stringify(boundValue(deep))).toContain('[nested too deep]');
    const wide = boundValue(Object.fromEntries(Array.from({ length: 55 }, (_, i) => [`k${i}`, i]))) as Record<
      string,
      unknown
    >;
    expect(Object.keys(wide)).toHaveLength(51);
    expect(wide['…']).toBe('5 more keys');
  });

  it('keeps small values as they are', () => {
    const value = { a: [1, 2], b: 'text', c: null, d: true };
    expect(boundValue(value)).toEqual(value);
  });
});

describe('page and shortText', () => {
  it('say what was left out', () => {
    expect(page([1, 2, 3], 2)).toEqual({ items: [1, 2], total: 3, truncated: true });
    expect(page([1], 2)).toEqual({ items: [1], total: 1, truncated: false });
    expect(shortText('abcdef', 4)).toBe('abc…');
  });
});

describe('fitWithin', () => {
  it('keeps the items whose JSON fits, at least one', () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ id: i, text: 'x'.repeat(90) }));
    const { items: kept, cut } = fitWithin(items, 500);
    expect(cut).toBe(true);
    expect(kept.length).toBeGreaterThan(0);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(500);
    expect(fitWithin([{ big: 'y'.repeat(1000) }], 10)).toEqual({
      items: [{ big: 'y'.repeat(1000) }],
      cut: false,
    });
    expect(fitWithin(items.slice(0, 2), 500).cut).toBe(false);
  });
});
