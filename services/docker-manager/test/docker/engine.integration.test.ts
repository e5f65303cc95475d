import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/containers.js';
import { EngineProxy } from '../support/engine-proxy.js';
import { startDockerManager } from '../support/service.js';

/**
 * The engine behind DOCKER_HOST: absent at start (health degraded, tools isError with the reason,
 * the service up), noticed when it appears without a restart, and reached over tcp://.
 */
const scratch = mkdtempSync(join(tmpdir(), 'dm-engine-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('an unreachable engine', () => {
  it('degrades health, fails tools with the reason, and notices the engine coming back', async () => {
    const socket = join(scratch, 'late.sock');
    await using dm = await startDockerManager({
      env: { DOCKER_HOST: `unix://${socket}`, DOCKER_RECONNECT_MAX_S: '1' },
    });
    const down = await waitFor(async () => {
      const health = await dm.health();
      return health.dependencies.docker === 'down' ? health : undefined;
    }, 'docker down in health');
    expect(down.status).toBe('degraded');
    expect(String(down.dependency_details.docker?.reason)).toContain(`no Docker socket at unix://${socket}`);

    for (const [tool, args] of [
      ['list_containers', {}],
      ['inspect_container', { id: 'anything' }],
      ['stop_container', { id: 'anything' }],
    ] as const) {
      const result = await dm.call(tool, args);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({
        reason: 'engine_unreachable',
        engine: `unix://${socket}`,
      });
      expect(String(result.structuredContent?.error)).toContain('Docker engine unreachable');
    }

    // The engine appears at DOCKER_HOST (here: a forwarder to the real one); no restart needed.
    await using _engine = await EngineProxy.unix(socket);
    await waitFor(async () => (await dm.health()).dependencies.docker === 'ok', 'docker ok again');
    const listed = await dm.call('list_containers', {});
    expect(listed.isError).toBe(false);
    expect((await dm.health()).status).toBe('healthy');
  });
});

describe('DOCKER_HOST', () => {
  it('reaches the engine over tcp://', async () => {
    await using proxy = await EngineProxy.tcp();
    await using dm = await startDockerManager({ env: { DOCKER_HOST: proxy.dockerHost } });
    const listed = await dm.call('list_images', { reference: 'node' });
    expect(listed.isError).toBe(false);
    // The engine's version is read once it answers, for the health report.
    const details = await waitFor(async () => {
      const docker = (await dm.health()).dependency_details.docker;
      return docker?.version ? docker : undefined;
    }, 'the engine version in health');
    expect(details).toMatchObject({
      status: 'ok',
      engine: proxy.dockerHost,
      api_version: expect.any(String),
    });
  });

  it('refuses a malformed DOCKER_HOST at start, naming it', async () => {
    await expect(startDockerManager({ env: { DOCKER_HOST: 'ftp://engine:21' } })).rejects.toThrow(
      /DOCKER_HOST: unsupported scheme ftp/,
    );
  });
});
