import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { HaBridgeConfigSchema } from '../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(HaBridgeConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('ha-bridge configuration', () => {
  it('has documented defaults and nothing required', () => {
    const config = loadConfig(HaBridgeConfigSchema, {});
    expect(config).toMatchObject({
      HA_MAX_CONCURRENCY: 4,
      HA_MAX_QUEUE: 256,
      MAX_IN_FLIGHT: 256,
      HA_ALLOW_DOMAINS: [],
      HA_READ_ONLY: false,
      HA_CACHE_STATE_TTL_S: 10,
      HA_CACHE_ENTITIES_TTL_S: 60,
      HA_CACHE_SERVICES_TTL_S: 3600,
      HA_BREAKER_FAILURES: 5,
      HA_BREAKER_RESET_S: 30,
      HA_RATE_LIMIT_BURST: 100,
      HA_RATE_LIMIT_PER_S: 10,
      HA_RECONNECT_MAX_S: 30,
    });
    expect(config.HA_URL).toBeUndefined();
    expect(config.HA_EVENT_FILTER.empty).toBe(true);
  });

  it('drops a trailing slash of HA_URL and reads the token from HA_TOKEN_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ha-token-')), 'token');
    writeFileSync(file, 'long-lived-token\n');
    const config = loadConfig(HaBridgeConfigSchema, {
      HA_URL: 'https://ha.example.org:8123/',
      HA_TOKEN_FILE: file,
    });
    expect(config.HA_URL).toBe('https://ha.example.org:8123');
    expect(config.HA_TOKEN).toBe('long-lived-token');
  });

  it('parses the lists, and names every bad variable at once without echoing the token', () => {
    const config = loadConfig(HaBridgeConfigSchema, {
      HA_ALLOW_DOMAINS: 'light, switch ,,sensor',
      HA_DENY_ENTITIES: 'switch.tv,sensor.*_battery,Lock',
      HA_READ_ONLY: 'TRUE',
    });
    expect(config.HA_ALLOW_DOMAINS).toEqual(['light', 'switch', 'sensor']);
    expect(config.HA_DENY_ENTITIES.source).toEqual(['switch.tv', 'sensor.*_battery', 'lock']);
    expect(config.HA_READ_ONLY).toBe(true);
    const bad = problems({
      HA_URL: 'homeassistant:8123',
      HA_TOKEN: '',
      HA_ALLOW_DOMAINS: 'light,Bad Domain',
      HA_DENY_ENTITIES: 'switch.tv,light/kitchen',
      HA_MAX_CONCURRENCY: '0',
      HA_BREAKER_RESET_S: 'soon',
      HA_EVENT_FILTER: '.light',
    });
    expect(bad).toEqual([
      expect.stringMatching(/^HA_URL: must be an http\(s\) URL/),
      'HA_MAX_CONCURRENCY: must be at least 1 (got "0")',
      expect.stringMatching(/^HA_ALLOW_DOMAINS: "Bad Domain" is not a domain/),
      expect.stringMatching(/^HA_DENY_ENTITIES: "light\/kitchen" is not a domain, an entity id or a glob/),
      expect.stringMatching(/^HA_EVENT_FILTER: "\.light" is not/),
      'HA_BREAKER_RESET_S: must be a number (got "soon")',
    ]);
  });
});
