import { describe, expect, it } from 'vitest';
import { globToRegExp, matchesLabel, matchingGlob, parseLabelRule } from '../../src/safety/scope.js';

describe('DOCKER_ALLOW_LABEL', () => {
  it('matches key=value exactly, a bare key with any value, nothing with none', () => {
    const exact = parseLabelRule('neurhomia.manage=true');
    expect(matchesLabel(exact, { 'neurhomia.manage': 'true' })).toBe(true);
    expect(matchesLabel(exact, { 'neurhomia.manage': 'yes' })).toBe(false);
    expect(matchesLabel(exact, {})).toBe(false);
    const any = parseLabelRule('com.example.managed');
    expect(matchesLabel(any, { 'com.example.managed': '' })).toBe(true);
    expect(matchesLabel(parseLabelRule('none'), { 'neurhomia.manage': 'true' })).toBe(false);
  });

  it('refuses a malformed rule', () => {
    expect(() => parseLabelRule('=true')).toThrow(/label key/);
    expect(() => parseLabelRule('')).toThrow(/label key/);
    expect(() => parseLabelRule('key=')).toThrow(/value/);
    expect(() => parseLabelRule('bad key=1')).toThrow(/label key/);
  });

  it('does not take an inherited property for a label', () => {
    expect(matchesLabel(parseLabelRule('constructor'), {})).toBe(false);
  });
});

describe('name globs', () => {
  it('matches whole names with * and ?, dots and dashes literally', () => {
    const patterns = ['media-*', 'zigbee2mqtt', 'app?.x'];
    const regexps = patterns.map(globToRegExp);
    expect(matchingGlob(regexps, patterns, 'media-jellyfin')).toBe('media-*');
    expect(matchingGlob(regexps, patterns, 'zigbee2mqtt')).toBe('zigbee2mqtt');
    expect(matchingGlob(regexps, patterns, 'my-zigbee2mqtt')).toBeUndefined();
    expect(matchingGlob(regexps, patterns, 'app1.x')).toBe('app?.x');
    expect(matchingGlob(regexps, patterns, 'app1-x')).toBeUndefined();
  });
});
