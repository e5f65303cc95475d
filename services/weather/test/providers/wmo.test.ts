import { describe, expect, it } from 'vitest';
import { describeWmo, mostSevere, owmToWmo, THUNDERSTORM_CODES } from '../../src/providers/wmo.js';

describe('WMO codes', () => {
  it('puts codes in words', () => {
    expect(describeWmo(0)).toBe('Clear sky');
    expect(describeWmo(45)).toBe('Fog');
    expect(describeWmo(65)).toBe('Heavy rain');
    expect(describeWmo(95)).toBe('Thunderstorm');
    expect(describeWmo(99)).toBe('Thunderstorm with heavy hail');
    expect(describeWmo(42)).toBe('Unknown weather code 42');
    expect(describeWmo(undefined)).toBe('Unknown');
  });

  it('knows the thunderstorm codes', () => {
    expect([...THUNDERSTORM_CODES].sort()).toEqual([95, 96, 99]);
  });

  it('maps OpenWeatherMap condition ids onto WMO codes', () => {
    expect(owmToWmo(800)).toBe(0);
    expect(owmToWmo(804)).toBe(3);
    expect(owmToWmo(500)).toBe(61);
    expect(owmToWmo(502)).toBe(65);
    expect(owmToWmo(211)).toBe(95);
    expect(owmToWmo(232)).toBe(95);
    expect(owmToWmo(601)).toBe(73);
    expect(owmToWmo(741)).toBe(45);
    expect(owmToWmo(321)).toBe(53);
  });

  it('takes the most severe code of a day', () => {
    expect(mostSevere([0, 3, 61, 2])).toBe(61);
    expect(mostSevere([95, 80])).toBe(95);
  });
});
