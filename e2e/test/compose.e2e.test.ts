import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TAG, REPO_ROOT, run } from '../src/images.js';

/**
 * `docker compose up --wait` of the real home stack (compose/compose.yaml), with the weather
 * service pointed at the recorded-response server, then a call through the stack's own CLI.
 */
const project = `neurhomia-e2e-${process.pid}`;
const env = {
  COMPOSE_PROJECT_NAME: project,
  MCP_IMAGE_TAG: E2E_TAG, // the images the global setup built from the same Dockerfiles
  MOSQUITTO_PORT: '127.0.0.1:0', // any free host port: never collide with a broker on 1883
  MOSQUITTO_WS_PORT: '127.0.0.1:0',
  GATEWAY_PUBLISHED_PORT: '127.0.0.1:0',
  OPEN_METEO_BASE_URL: 'http://weather-upstream:8080/v1',
  OPEN_METEO_GEOCODING_BASE_URL: 'http://weather-upstream:8080/v1',
};
const compose = (...args: string[]) =>
  run('docker', ['compose', '-f', 'compose/compose.yaml', '-f', 'e2e/compose.upstream.yaml', ...args], {
    env,
    cwd: REPO_ROOT,
  });

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
    expect(byService.gateway).toMatchObject({ State: 'running', Health: 'healthy' });
  });

  it('answers a weather call through the stack CLI', async () => {
    const { stdout } = await compose(
      'run',
      '--rm',
      '-T',
      'cli',
      'call',
      'weather',
      'get_current_weather',
      'location=Berlin',
      '--json',
    );
    const result = JSON.parse(stdout) as {
      isError: boolean;
      structuredContent: { location: { name: string }; provider: string };
    };
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ location: { name: 'Berlin' }, provider: 'open-meteo' });
  });

  it('lists the weather service as ready through the CLI', async () => {
    const { stdout } = await compose('run', '--rm', '-T', 'cli', 'services', '--json');
    expect(JSON.parse(stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ service_id: 'weather', status: 'ready' })]),
    );
  });

  it('lists the weather tools through the gateway, with the key host-env.sh prints', async () => {
    const { stdout } = await run('sh', ['compose/host-env.sh', 'gateway'], { env, cwd: REPO_ROOT });
    const exported = Object.fromEntries(
      [...stdout.matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1], m[2]] as [string, string]),
    );
    expect(exported.MCP_GATEWAY_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const response = await fetch(`${exported.MCP_GATEWAY_URL}/tools/list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${exported.MCP_API_KEY}` },
    });
    expect(response.status).toBe(200);
    const { tools } = (await response.json()) as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name)).toContain('weather__get_current_weather');
  });
});
