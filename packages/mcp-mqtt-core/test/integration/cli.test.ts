import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';
import { runCli } from './cli-process.js';

const url = inject('mqttUrl');
const serviceId = uniqueServiceId('cli');
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService(exampleService, { url, env: { MCP_SERVICE_ID: serviceId } });
});
afterAll(async () => {
  await service?.stop();
});

const cli = (...args: string[]) => runCli(url, args);

describe('mcp-mqtt CLI', () => {
  it('calls a tool with key=value arguments', async () => {
    const { code, stdout } = await cli('call', serviceId, 'echo', 'message=42', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ isError: false, structuredContent: { message: '42' } });
  });

  it('calls a tool without arguments', async () => {
    const { code, stdout } = await cli('call', serviceId, 'clock');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ timezone: 'UTC' });
  });

  it('lists services and tools', async () => {
    const services = await cli('services', '--json');
    expect(JSON.parse(services.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ service_id: serviceId, status: 'ready' })]),
    );
    const tools = await cli('tools', serviceId);
    expect(tools.stdout).toContain('echo — Returns the message it is given. [needs example:read]');
    expect(tools.stdout).toContain('    message: string (≤ 10000 chars) — Text to send back');
    expect(tools.stdout).toContain('    timezone?: string (default "UTC") — IANA time zone');
  });

  it('exits non-zero with the error code and field for a bad argument', async () => {
    const { code, stdout, stderr } = await cli('call', serviceId, 'echo', 'message=x', 'volume=3');
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain('-32602');
    expect(stderr).toContain('volume');
  });
});
