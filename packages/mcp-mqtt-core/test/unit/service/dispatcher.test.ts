import { describe, expect, it } from 'vitest';
import { exampleService } from '../../../src/example/service.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ErrorCode, RpcError } from '../../../src/protocol/errors.js';
import { createServer } from '../../../src/service/server.js';

/** The example service without a broker: each call goes through the endpoint, as on the wire. */
async function dispatcher() {
  const server = await createServer(exampleService, { env: {}, logger: silentLogger() });
  return async (method: string, params?: Record<string, unknown>) => {
    const answer = await server.request(method, params);
    if (answer.error)
      throw new RpcError(answer.error.code as ErrorCode, answer.error.message, answer.error.data);
    return answer.result;
  };
}

async function errorOf(promise: Promise<unknown>): Promise<RpcError> {
  const result = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(result instanceof RpcError)) throw new Error('expected an RpcError');
  return result;
}

describe('Dispatcher', () => {
  it('lists tools with a strict JSON Schema under inputSchema and parameters', async () => {
    const call = await dispatcher();
    const { tools } = (await call('mcp.list_tools')) as { tools: Array<Record<string, unknown>> };
    const echo = tools.find((t) => t.name === 'echo')!;
    expect(echo.inputSchema).toMatchObject({
      type: 'object',
      required: ['message'],
      additionalProperties: false,
    });
    expect(echo.parameters).toEqual(echo.inputSchema);
    expect(echo).toMatchObject({
      category: 'example',
      permissions: ['example:read'],
      annotations: { readOnlyHint: true },
    });
    expect(((await call('tools/list', { filter: 'nothing' })) as { tools: unknown[] }).tools).toEqual([]);
  });

  it('shapes tool results for tools/call and mcp.call_tool', async () => {
    const call = await dispatcher();
    expect(await call('tools/call', { name: 'echo', arguments: { message: 'hi' } })).toEqual({
      content: [{ type: 'text', text: '{"message":"hi"}' }],
      structuredContent: { message: 'hi' },
      isError: false,
    });
    expect(await call('mcp.call_tool', { tool_name: 'echo', arguments: { message: 'hi' } })).toMatchObject({
      success: true,
      data: { message: 'hi' },
    });
    expect(
      await call('tools/call', { name: 'clock', arguments: { timezone: 'Mars/Olympus' } }),
    ).toMatchObject({
      isError: true,
      structuredContent: { error: expect.stringContaining('Mars/Olympus') },
    });
  });

  it('refuses unknown tools, unknown arguments and wrong types with -32602 naming the field', async () => {
    const call = await dispatcher();
    expect((await errorOf(call('tools/call', { name: 'nope' }))).data).toMatchObject({
      param: 'name',
      received: 'nope',
    });
    const unknownArg = await errorOf(
      call('tools/call', { name: 'echo', arguments: { message: 'x', loud: true } }),
    );
    expect(unknownArg.code).toBe(ErrorCode.InvalidParams);
    expect(unknownArg.data).toMatchObject({ param: 'loud', expected: 'no such argument' });
    const wrongType = await errorOf(call('mcp.call_tool', { name: 'echo', arguments: { message: 5 } }));
    expect(wrongType.data).toMatchObject({ param: 'message', expected: 'string', received: 'integer 5' });
    expect((await errorOf(call('tools/call', {}))).code).toBe(ErrorCode.InvalidParams);
  });

  it('serves resources under both names and answers -32003 for an unknown one', async () => {
    const call = await dispatcher();
    const { resources } = (await call('resources/list')) as { resources: Array<{ uri: string }> };
    expect(resources[0]).toMatchObject({
      uri: 'mcp://example/data/about',
      resource_type: 'data',
      resource_id: 'about',
      mimeType: 'application/json',
    });
    const read = (await call('resources/read', { uri: 'mcp://example/data/about' })) as {
      contents: Array<{ text: string }>;
    };
    expect(JSON.parse(read.contents[0]!.text)).toMatchObject({ tools: ['echo', 'clock'] });
    expect(await call('mcp.get_resource', { resource_id: 'about' })).toMatchObject({
      resource_id: 'about',
      config: { tools: ['echo', 'clock'] },
    });
    expect((await errorOf(call('mcp.get_resource', { resource_id: 'nope' }))).code).toBe(
      ErrorCode.ResourceNotFound,
    );
    expect((await errorOf(call('resources/read', { uri: 'mcp://x' }))).code).toBe(ErrorCode.ResourceNotFound);
  });

  it('negotiates the protocol version and answers -32601 for unknown methods', async () => {
    const call = await dispatcher();
    expect(
      await call('initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 't', version: '1' },
      }),
    ).toMatchObject({
      protocolVersion: '2025-06-18',
      serverInfo: { name: 'example' },
    });
    expect(await call('initialize', { protocolVersion: '1999-01-01' })).toMatchObject({
      protocolVersion: '2025-11-25',
    });
    expect((await errorOf(call('nope/nope'))).code).toBe(ErrorCode.MethodNotFound);
    expect((await errorOf(call('toString'))).code).toBe(ErrorCode.MethodNotFound);
    expect(await call('ping')).toEqual({});
  });
});
