import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_TAG, REPO_ROOT, run } from '../src/images.js';

/**
 * `docker compose up --wait` of the real home stack (compose/compose.yaml) with the demo profile,
 * the weather service pointed at the recorded-response server, then calls through the stack's
 * own CLI.
 */
const project = `neurhomia-e2e-${process.pid}`;
const env = {
  COMPOSE_PROJECT_NAME: project,
  MCP_IMAGE_TAG: IMAGE_TAG, // the images the global setup built from the same Dockerfiles
  COMPOSE_PROFILES: 'demo', // the simulated Home Assistant, for ha-bridge
  MOSQUITTO_PORT: '127.0.0.1:0', // any free host port: never collide with a broker on 1883
  MOSQUITTO_WS_PORT: '127.0.0.1:0',
  OPEN_METEO_BASE_URL: 'http://weather-upstream:8080/v1',
  OPEN_METEO_GEOCODING_BASE_URL: 'http://weather-upstream:8080/v1',
};
const compose = (...args: string[]) =>
  run('docker', ['compose', '-f', 'compose/compose.yaml', '-f', 'e2e/compose.upstream.yaml', ...args], {
    env,
    cwd: REPO_ROOT,
  });

/** A call through the stack's own CLI container; its --json answer, parsed. */
async function cliCall<T>(...args: string[]): Promise<T> {
  const { stdout } = await compose('run', '--rm', '-T', 'cli', ...args, '--json');
  return JSON.parse(stdout) as T;
}

beforeAll(async () => {
  await compose('up', '-d', '--wait');
}, 300_000);

afterAll(async () => {
  await compose('down', '-v', '--remove-orphans').catch(() => {});
}, 120_000);

describe('the compose home stack', () => {
  it('reports every long-running container healthy', async () => {
    const { stdout } = await compose('ps', '--format', 'json');
    const containers = stdout
      .trim()
      .split('\n')
      .flatMap(
        (line) =>
          JSON.parse(line) as
            | Array<{ Service: string; Health: string; State: string }>
            | { Service: string; Health: string; State: string },
      );
    const byService = Object.fromEntries(containers.map((c) => [c.Service, c]));
    expect(byService.mosquitto).toMatchObject({ State: 'running', Health: 'healthy' });
    expect(byService.weather).toMatchObject({ State: 'running', Health: 'healthy' });
    expect(byService['ha-bridge']).toMatchObject({ State: 'running', Health: 'healthy' });
    expect(byService['ha-simulator']).toMatchObject({ State: 'running', Health: 'healthy' });
  });

  it('answers ha-bridge with the demo profile and no Home Assistant configuration', async () => {
    const result = await cliCall<{
      isError: boolean;
      structuredContent: { entities: { entity_id: string }[] };
    }>('call', 'ha-bridge', 'get_entities', 'domain=light');
    expect(result.isError).toBe(false);
    expect(result.structuredContent.entities.map((e) => e.entity_id)).toContain('light.kitchen');
  });

  it('answers a weather call through the stack CLI', async () => {
    const result = await cliCall<{
      isError: boolean;
      structuredContent: { location: { name: string }; provider: string };
    }>('call', 'weather', 'get_current_weather', 'location=Berlin');
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ location: { name: 'Berlin' }, provider: 'open-meteo' });
  });

  it('lists the weather service as ready through the CLI', async () => {
    expect(await cliCall('services')).toEqual(
      expect.arrayContaining([expect.objectContaining({ service_id: 'weather', status: 'ready' })]),
    );
  });
});
