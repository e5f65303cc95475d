import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpMqttClient } from '@neurhomia/mcp-mqtt-core/client';
import {
  connectClient,
  freePort,
  type TestBroker,
  uniqueServiceId,
  useBroker,
} from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIn, startProcess } from './support/processes.ts';
import { copyRepository } from './support/repository.ts';

/**
 * `pnpm new:service` end to end, in a copy of the repository (node_modules from the pnpm store,
 * offline): each template generated, installed and built by the generator itself; the new
 * service's lint, typecheck and own tests (on this file's broker); its built dist/main.js run as
 * the image runs it, and its example tool answering through that broker; the compose stack
 * building its image.
 */
let copy: ReturnType<typeof copyRepository>;
let broker: TestBroker;
let client: McpMqttClient;

beforeAll(async () => {
  const started = Date.now();
  copy = copyRepository();
  runIn(copy.root, 'pnpm', ['install', '--offline', '--frozen-lockfile']);
  console.log(`copy of the repository installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  broker = await useBroker();
  client = await connectClient(broker.url, { watchServices: true });
});

afterAll(async () => {
  await client?.close();
  await broker?.stop();
  copy?.[Symbol.dispose]();
});

type Example = {
  id: string;
  template: string;
  tool: string;
  args: Record<string, unknown>;
  answer: Record<string, unknown>;
  /** How many tests the generated service brings (all must pass). */
  tests: number;
  /** The local upstream to run next to it, and the variable that points the service at it. */
  upstream?: string;
};

describe.each<Example>([
  {
    id: 'lights',
    template: 'minimal',
    tool: 'say_hello',
    args: { name: 'Ada' },
    answer: { greeting: 'Hello, Ada!' },
    tests: 9,
  },
  {
    id: 'air-quality',
    template: 'http-api',
    tool: 'get_item',
    args: { id: 'kitchen' },
    answer: { id: 'kitchen', name: 'Kitchen', state: 'on' },
    tests: 16,
    upstream: 'AIR_QUALITY_API_URL',
  },
])('pnpm new:service $id --template $template', (example) => {
  const dir = () => join(copy.root, 'services', example.id);

  it('writes, installs and builds the service without the npm registry, then prints the next three commands', async () => {
    const started = Date.now();
    // No registry to ask and no cached registry metadata: the install must come from the lockfile
    // and the store, as on a machine offline (or a CI runner that reaches no registry).
    const offline = {
      npm_config_registry: `http://127.0.0.1:${await freePort()}/`,
      npm_config_cache_dir: mkdtempSync(join(tmpdir(), 'pnpm-cache-')),
    };
    const stdout = runIn(
      copy.root,
      'pnpm',
      ['new:service', example.id, '--template', example.template],
      offline,
    );
    console.log(
      `${example.id}: generated, installed and built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(stdout).toMatch(new RegExp(`wrote \\d+ files \\(template ${example.template}\\)`));
    expect(stdout).toContain(`docker compose run --rm cli call ${example.id} ${example.tool} `);
    expect(existsSync(join(dir(), 'dist', 'main.js'))).toBe(true);
    expect(readFileSync(join(copy.root, 'pnpm-lock.yaml'), 'utf8')).toContain(
      `\n  services/${example.id}:\n`,
    );
    // What CI runs on the committed lockfile.
    runIn(copy.root, 'pnpm', ['install', '--frozen-lockfile', '--offline'], offline);
    rmSync(offline.npm_config_cache_dir, { recursive: true, force: true });
  });

  it('passes lint and typecheck as the repository checks them', () => {
    runIn(copy.root, 'pnpm', ['exec', 'biome', 'ci', `services/${example.id}`]);
    runIn(copy.root, 'pnpm', ['--filter', `@neurhomia/${example.id}`, 'typecheck']);
  });

  it('passes its own tests, unit and integration, against a real Mosquitto', () => {
    runIn(copy.root, 'pnpm', ['--filter', `@neurhomia/${example.id}`, 'test'], { MQTT_URL: broker.url });
    const report = JSON.parse(readFileSync(join(dir(), 'test-results', 'vitest.json'), 'utf8'));
    expect(report).toMatchObject({ success: true, numFailedTests: 0, numPendingTests: 0 });
    expect(report.numPassedTests).toBe(example.tests);
  });

  it('answers its example tool through the broker, run from dist/ as the image runs it', async () => {
    const env: Record<string, string> = {};
    const upstream = example.upstream
      ? startProcess(dir(), ['test/upstream/server.ts'], { PORT: String(await freePort()) })
      : undefined;
    try {
      if (upstream && example.upstream) {
        await upstream.waitFor(/upstream on :(\d+)/);
        env[example.upstream] = `http://127.0.0.1:${/upstream on :(\d+)/.exec(upstream.output())![1]}`;
      }
      const serviceId = uniqueServiceId(example.id);
      const service = startProcess(dir(), ['--max-semi-space-size=4', 'dist/main.js'], {
        ...env,
        MQTT_URL: broker.url,
        MCP_SERVICE_ID: serviceId,
        LOG_LEVEL: 'warn',
      });
      try {
        await expect.poll(() => client.service(serviceId)?.state, { timeout: 20_000 }).toBe('up');
        const result = await client.callTool(serviceId, example.tool, example.args);
        expect(result).toMatchObject({ isError: false, structuredContent: example.answer });
      } finally {
        // SIGTERM: the graceful stop of the image (calls drained, `offline` published), exit 0.
        expect(await service.stop()).toBe(0);
      }
      await expect.poll(() => client.service(serviceId)?.state, { timeout: 5_000 }).toBe('offline');
    } finally {
      await upstream?.stop();
    }
  });

  it('joins the compose stack, its image built by services/Dockerfile for its folder', () => {
    const config = JSON.parse(
      runIn(copy.root, 'docker', ['compose', '-f', 'compose/compose.yaml', 'config', '--format', 'json'], {
        MCP_IMAGE_TAG: 'gen-test',
      }),
    );
    expect(config.services[example.id]).toMatchObject({
      image: `neurhomia/mcp-${example.id}:gen-test`,
      build: { dockerfile: 'services/Dockerfile', args: { SERVICE: example.id } },
      environment: { MQTT_USERNAME: example.id },
    });
    expect(config.services[`${example.id}-secrets`]).toBeDefined();
  });
});
