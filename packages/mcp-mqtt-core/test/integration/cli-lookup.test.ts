import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';
import { announceSilentService } from './announce.js';
import { runCli } from './cli-process.js';
import { mechanicsService } from './helpers.js';

const url = inject('mqttUrl');
const mechanics = uniqueServiceId('lookup');
const gone = uniqueServiceId('gone');
const silent = uniqueServiceId('silent');
let service: Awaited<ReturnType<typeof startService>>;
let silentService: Awaited<ReturnType<typeof announceSilentService>>;
let offlineSince: string;

beforeAll(async () => {
  service = await startService(mechanicsService({ id: mechanics }), { url });
  const stopped = await startService(exampleService, { url, env: { MCP_SERVICE_ID: gone } });
  await stopped.stop();
  silentService = await announceSilentService(url, silent);
  const offline = await runCli(url, ['services', '--json']);
  offlineSince = (JSON.parse(offline.stdout) as Array<{ service_id: string; timestamp: string }>).find(
    (d) => d.service_id === gone,
  )!.timestamp;
});
afterAll(async () => {
  await service?.stop();
  await silentService?.clear();
});

// A generous --timeout: these answers come from the retained discovery, not from waiting.
const LONG = ['--timeout', '60000'];

describe('mcp-mqtt: unknown, misspelt and offline services', () => {
  it('refuses an unknown id at once, with the known services and the closest one', async () => {
    const typo = mechanics.slice(0, -1);
    for (const args of [
      ['call', typo, 'count'],
      ['tools', typo],
    ]) {
      const { code, stdout, stderr } = await runCli(url, [...args, ...LONG]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(
        `error: no service "${typo}" is announced on the broker. Did you mean "${mechanics}"?`,
      );
      expect(stderr).toMatch(new RegExp(`known services: .*${mechanics} \\(ready\\)`));
      expect(stderr).toContain(`${gone} (offline)`);
    }
  });

  it('says a service is offline, and since when', async () => {
    const text = await runCli(url, ['call', gone, 'echo', 'message=hi', ...LONG]);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      `error: ${gone} is offline (since ${offlineSince}, per its discovery document)\n`,
    );
    const json = await runCli(url, ['tools', gone, '--json', ...LONG]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({
      error: expect.objectContaining({ type: 'offline', service: gone, since: offlineSince }),
    });
  });

  it('refuses a misspelt tool from the discovery document', async () => {
    const { code, stderr } = await runCli(url, ['call', mechanics, 'cuont', ...LONG]);
    expect(code).toBe(1);
    expect(stderr).toContain(`error: ${mechanics} has no tool "cuont". Did you mean "count"?`);
  });

  it('names the method really sent when no answer comes, and hints at MCP_API_KEY without a key', async () => {
    const call = await runCli(url, ['call', silent, 'echo', '--timeout', '300']);
    expect(call.code).toBe(1);
    expect(call.stderr).toContain(`error: no answer from ${silent} to tools/call within 300 ms\n`);
    expect(call.stderr).toContain('set MCP_API_KEY');

    const withKey = await runCli(url, ['call', silent, 'echo', '--timeout', '300'], {
      MCP_API_KEY: 'some-key-0001',
    });
    expect(withKey.stderr).toBe(`error: no answer from ${silent} to tools/call within 300 ms\n`);

    // With key=value arguments the CLI first reads the tool's schema: the message says so.
    const typed = await runCli(url, ['call', silent, 'echo', 'message=hi', '--timeout', '300']);
    expect(typed.stderr).toContain(
      `error: no answer from ${silent} to tools/list (asked for the argument types of echo before calling it) within 300 ms`,
    );
  });
});

describe('mcp-mqtt: results to stdout, every error to stderr, non-zero exit', () => {
  it('prints a tool failure (isError) on stderr and exits 1', async () => {
    const text = await runCli(url, ['call', mechanics, 'not_found']);
    expect(text).toMatchObject({ code: 1, stdout: '' });
    expect(text.stderr).toContain(`error: ${mechanics}/not_found failed: place "Atlantis" not found`);
    expect(text.stderr).toContain('"retry_after_s": 7');
    const json = await runCli(url, ['call', mechanics, 'not_found', '--json']);
    expect(json).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(json.stderr)).toMatchObject({
      error: { type: 'tool', result: { isError: true, structuredContent: { retry_after_s: 7 } } },
    });
  });

  it('prints a result on stdout only and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(url, ['call', mechanics, 'count', 'label=x']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({ executions: expect.any(Number) });
  });

  it('exits 2 on a usage error, before connecting', async () => {
    const missing = await runCli('mqtt://127.0.0.1:1', ['call', mechanics]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('usage: mcp-mqtt call <service> <tool> [key=value…]');
    const typed = await runCli(url, ['call', mechanics, 'slow', 'ms=soon']);
    expect(typed).toMatchObject({ code: 2, stdout: '' });
    expect(typed.stderr).toContain('ms: "soon" is not a number');
  });
});
