import { loadConfig } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { DockerManagerConfigSchema } from '../src/config.js';

describe('configuration', () => {
  it('defaults: local socket, writes allowed, the neurhomia.manage=true label, values hidden', () => {
    const config = loadConfig(DockerManagerConfigSchema, {});
    expect(config).toMatchObject({
      DOCKER_HOST: { kind: 'unix', socketPath: '/var/run/docker.sock' },
      DOCKER_READ_ONLY: false,
      DOCKER_ALLOW_LABEL: { key: 'neurhomia.manage', value: 'true' },
      DOCKER_ALLOW_NAMES: [],
      DOCKER_PROTECT_NAMES: [],
      DOCKER_SHOW_ENV: false,
      DOCKER_LOGS_MAX_BYTES: 65_536,
    });
  });

  it('reads lists, booleans, and `none` for no label rule', () => {
    const config = loadConfig(DockerManagerConfigSchema, {
      DOCKER_READ_ONLY: 'true',
      DOCKER_ALLOW_LABEL: 'none',
      DOCKER_ALLOW_NAMES: ' media-* , zigbee2mqtt ,,',
      DOCKER_PROTECT_NAMES: 'portainer',
    });
    expect(config.DOCKER_READ_ONLY).toBe(true);
    expect(config.DOCKER_ALLOW_LABEL).toBeUndefined();
    expect(config.DOCKER_ALLOW_NAMES).toEqual(['media-*', 'zigbee2mqtt']);
    expect(config.DOCKER_PROTECT_NAMES).toEqual(['portainer']);
  });

  it('names every bad variable at once', () => {
    expect(() =>
      loadConfig(DockerManagerConfigSchema, {
        DOCKER_HOST: 'ftp://x',
        DOCKER_ALLOW_LABEL: '=x',
        DOCKER_ALLOW_NAMES: 'bad name',
        DOCKER_READ_ONLY: 'maybe',
        DOCKER_LOGS_MAX_BYTES: '10',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^DOCKER_HOST: unsupported scheme ftp/),
          expect.stringMatching(/^DOCKER_READ_ONLY:/),
          expect.stringMatching(/^DOCKER_ALLOW_LABEL: must be a label key/),
          expect.stringMatching(/^DOCKER_ALLOW_NAMES: a pattern uses/),
          expect.stringMatching(/^DOCKER_LOGS_MAX_BYTES: must be at least 1024/),
        ],
      }),
    );
  });
});
