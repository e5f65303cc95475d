import { describe, expect, it } from 'vitest';
import { closestMatch, levenshtein } from '../../../src/cli/suggest.js';

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(levenshtein('weather', 'weather')).toBe(0);
    expect(levenshtein('wether', 'weather')).toBe(1);
    expect(levenshtein('waether', 'weather')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
  });
});

describe('closestMatch', () => {
  const services = ['weather', 'docker-manager', 'ha-bridge', 'gateway'];

  it('suggests the closest id within 2 edits, case-insensitively', () => {
    expect(closestMatch('wether', services)).toBe('weather');
    expect(closestMatch('Weather', services)).toBe('weather');
    expect(closestMatch('ha-brigde', services)).toBe('ha-bridge');
  });

  it('suggests the only id a prefix fits, in either direction', () => {
    expect(closestMatch('docker', services)).toBe('docker-manager');
    expect(closestMatch('gateway-eu', services)).toBe('gateway');
  });

  it('suggests nothing when nothing is close or the prefix is ambiguous', () => {
    expect(closestMatch('nosuchservice', services)).toBeUndefined();
    expect(closestMatch('h', services)).toBeUndefined();
    expect(closestMatch('ha', ['ha-bridge', 'ha-proxy'])).toBeUndefined();
    expect(closestMatch('anything', [])).toBeUndefined();
  });
});
