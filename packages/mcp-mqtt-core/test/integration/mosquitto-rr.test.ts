import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { MosquittoContainer, type StartedMosquittoContainer, startService } from '../../src/testing/index.js';

let broker: StartedMosquittoContainer;
let service: Awaited<ReturnType<typeof startService>>;

beforeAll(async () => {
  broker = await new MosquittoContainer().start();
  service = await startService(exampleService, { url: broker.getConnectionString() });
});
afterAll(async () => {
  await service?.stop();
  await broker?.stop();
});

describe("Mosquitto's own request/response client", () => {
  it('mosquitto_rr gets a correct reply, correlated by MQTT 5 properties', async () => {
    const request = JSON.stringify({
      jsonrpc: '2.0',
      id: 'rr-1',
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: 'from mosquitto_rr' } },
    });
    const { output, exitCode } = await broker.run([
      'mosquitto_rr',
      '-h',
      'localhost',
      '-p',
      '1883',
      '-t',
      'mcp/example/jsonrpc/request',
      '-e',
      'mcp/clients/rr/1/response',
      '-m',
      request,
      '-W',
      '5',
    ]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(output.trim())).toEqual({
      jsonrpc: '2.0',
      id: 'rr-1',
      result: {
        content: [{ type: 'text', text: '{"message":"from mosquitto_rr"}' }],
        structuredContent: { message: 'from mosquitto_rr' },
        isError: false,
      },
    });
  });

  it('mosquitto_rr gets -32602 naming the field for a wrong argument type', async () => {
    const request = JSON.stringify({
      jsonrpc: '2.0',
      id: 'rr-2',
      method: 'mcp.call_tool',
      params: { tool_name: 'echo', arguments: { message: true } },
    });
    const { output } = await broker.run([
      'mosquitto_rr',
      '-t',
      'mcp/example/jsonrpc/request',
      '-e',
      'mcp/clients/rr/2/response',
      '-m',
      request,
      '-W',
      '5',
    ]);
    expect(JSON.parse(output.trim()).error).toMatchObject({
      code: -32602,
      data: { param: 'message', expected: 'string' },
    });
  });
});
