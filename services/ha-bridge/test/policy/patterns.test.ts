import { describe, expect, it } from 'vitest';
import { EntityPatterns } from '../../src/policy/patterns.js';

describe('EntityPatterns', () => {
  it('matches domains, ids and globs', () => {
    const patterns = new EntityPatterns(['lock', 'switch.tv', 'sensor.*_battery', '*.garage_*']);
    expect(patterns.matches('lock.front_door')).toBe(true);
    expect(patterns.matches('switch.tv')).toBe(true);
    expect(patterns.matches('switch.tv_2')).toBe(false);
    expect(patterns.matches('sensor.front_door_lock_battery')).toBe(true);
    expect(patterns.matches('sensor.battery_level')).toBe(false);
    expect(patterns.matches('cover.garage_door')).toBe(true);
    expect(patterns.matches('light.kitchen')).toBe(false);
    // A domain is a whole domain, not a prefix.
    expect(patterns.matches('lockx.door')).toBe(false);
  });

  it('treats a dot literally', () => {
    expect(new EntityPatterns(['light.k*']).matches('lightxk.a')).toBe(false);
  });

  it('is empty without items', () => {
    expect(new EntityPatterns([]).empty).toBe(true);
    expect(new EntityPatterns([]).matches('light.kitchen')).toBe(false);
  });
});
