import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const url = inject('mqttUrl');
const serviceId = uniqueServiceId('cli');
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  service = await startService(exampleService, { url, env: { MCP_SERVICE_ID: serviceId } });
});
afterAll(async () => {
  await service?.stop();
});

const cli = (...args: string[]) =>
  run(process.execPath, ['--conditions=@neurhomia/source', '--import', 'tsx', CLI, ...args], {
    env: { ...process.env, MQTT_URL: url },
  });

describe('mcp-mqtt CLI', () => {
  it('calls a tool with key=value arguments', async () => {
    const { stdout } = await cli('call', serviceId, 'echo', 'message=42', '--json');
    expect(JSON.parse(stdout)).toMatchObject({ isError: false, structuredContent: { message: '42' } });
  });

  it('lists services and tools', async () => {
    const services = await cli('services', '--json');
    expect(JSON.parse(services.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ service_id: serviceId, status: 'ready' })]),
    );
    const tools = await cli('tools', serviceId);
    expect(tools.stdout).toContain('echo — Returns the message it is given.');
    expect(tools.stdout).toContain('message: string');
  });

  it('exits non-zero with the error code and field for a bad argument', async () => {
    const error = await cli('call', serviceId, 'echo', 'message=x', 'volume=3').catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain('-32602');
    expect((error as { stderr: string }).stderr).toContain('volume');
  });
});
