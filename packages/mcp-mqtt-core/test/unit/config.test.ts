import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { brokerUrl, ConfigError, CoreConfigSchema, loadConfig } from '../../src/config.js';
import { commaList, wholeNumber } from '../../src/config-fields.js';

describe('loadConfig', () => {
  it('applies defaults and reads LOG_LEVEL case-insensitively', () => {
    const config = loadConfig(CoreConfigSchema, { LOG_LEVEL: 'INFO' });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.HEARTBEAT_INTERVAL).toBe(30);
    expect(config.DISCOVERY_INTERVAL).toBe(60);
    expect(brokerUrl(config)).toBe('mqtt://localhost:1883');
  });

  it('builds the URL from MQTT_BROKER and MQTT_PORT', () => {
    expect(brokerUrl(loadConfig(CoreConfigSchema, { MQTT_BROKER: 'mosquitto', MQTT_PORT: '1884' }))).toBe(
      'mqtt://mosquitto:1884',
    );
  });

  it('names every bad variable at once, and never echoes a secret', () => {
    const env = {
      HEARTBEAT_INTERVAL: '0',
      DISCOVERY_INTERVAL: 'soon',
      LOG_LEVEL: 'loud',
      MCP_SERVICE_ID: 'system',
      HTTP_PORT: '70000',
    };
    const error = (() => {
      try {
        loadConfig(CoreConfigSchema, env);
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of Object.keys(env)) expect(error!.message).toContain(name);
    expect(error!.problems).toHaveLength(5);
  });

  it('reads secrets from <NAME>_FILE and refuses both forms at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'password');
    writeFileSync(file, 's3cret\n');
    expect(loadConfig(CoreConfigSchema, { MQTT_PASSWORD_FILE: file }).MQTT_PASSWORD).toBe('s3cret');
    expect(() => loadConfig(CoreConfigSchema, { MQTT_PASSWORD_FILE: file, MQTT_PASSWORD: 'x' })).toThrow(
      /both set/,
    );
    expect(() => loadConfig(CoreConfigSchema, { MQTT_PASSWORD_FILE: join(dir, 'missing') })).toThrow(
      /cannot read/,
    );
  });

  it('validates a service schema that extends the core one', () => {
    const schema = CoreConfigSchema.extend({ DAYS: z.coerce.number().int().max(16) });
    const load = () => loadConfig(schema, { DAYS: '20', MQTT_PASSWORD: 'hunter2', MQTT_PORT: 'x' });
    expect(load).toThrow(/DAYS/);
    expect(load).toThrow(/MQTT_PORT: must be a port number/);
  });
});

describe('config fields for services', () => {
  it('reads comma lists, blanks dropped, each entry checked', () => {
    expect(commaList().parse(' a, ,b ,')).toEqual(['a', 'b']);
    expect(commaList().parse(undefined)).toEqual([]);
    const ports = commaList(z.string().regex(/^\d+$/, 'each entry must be a port'));
    expect(ports.safeParse('80,x').error?.issues[0]?.message).toBe('each entry must be a port');
  });

  it('reads whole numbers within bounds, naming the unit', () => {
    const seconds = wholeNumber(30, { min: 1, max: 60, unit: 'seconds' });
    expect(seconds.parse(undefined)).toBe(30);
    expect(seconds.parse('12')).toBe(12);
    expect(seconds.safeParse('61').error?.issues[0]?.message).toBe('must be at most 60 seconds');
    expect(seconds.safeParse('1.5').error?.issues[0]?.message).toBe('must be a whole number of seconds');
  });
});
