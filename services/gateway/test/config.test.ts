import { ConfigError } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.js';

describe('gateway configuration', () => {
  it('binds to loopback on port 3003 by default, with no default key', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: 3003,
      GATEWAY_ALLOWED_ORIGINS: [],
      GATEWAY_ALLOWED_HOSTS: [],
      GATEWAY_SERVICES: [],
      GATEWAY_API_KEY: undefined,
      GATEWAY_CALL_TIMEOUT_S: 30,
    });
  });

  it('reads lists, and secrets from files', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'gw-config-')), 'key');
    writeFileSync(file, 'from-a-file-0001\n');
    expect(
      loadGatewayConfig({
        GATEWAY_ALLOWED_ORIGINS: 'http://localhost:5173, https://Home.example',
        GATEWAY_ALLOWED_HOSTS: 'gateway,*',
        GATEWAY_SERVICES: 'weather,ha-*',
        GATEWAY_API_KEY_FILE: file,
      }),
    ).toMatchObject({
      GATEWAY_ALLOWED_ORIGINS: ['http://localhost:5173', 'https://home.example'],
      GATEWAY_ALLOWED_HOSTS: ['gateway', '*'],
      GATEWAY_SERVICES: ['weather', 'ha-*'],
      GATEWAY_API_KEY: 'from-a-file-0001',
    });
  });

  it('names every bad variable, and never prints a key', () => {
    let error: unknown;
    try {
      loadGatewayConfig({
        GATEWAY_PORT: 'http',
        GATEWAY_ALLOWED_ORIGINS: 'http://localhost:5173/app',
        GATEWAY_API_KEY: 'xq7kz',
        GATEWAY_CALL_TIMEOUT_S: '0',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      'GATEWAY_PORT',
      'GATEWAY_ALLOWED_ORIGINS',
      'GATEWAY_API_KEY',
      'GATEWAY_CALL_TIMEOUT_S',
    ])
      expect(message).toContain(name);
    expect(message).not.toContain('xq7kz');
  });
});
