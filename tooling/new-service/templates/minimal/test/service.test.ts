import { ConfigError, createServer, silentLogger } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { {{camel}}Service } from '../src/service.js';

/**
 * The service without a broker: createServer runs the core's whole request path (arguments,
 * keys, scopes, limits, answers) in this process, so each test takes milliseconds.
 */
const server = (env: Record<string, string> = {}) =>
  createServer({{camel}}Service, { env, logger: silentLogger() });

/** Two clients' keys: one holding the service's scope, one another service's. */
const API_KEYS = 'reader:reader-key-0001={{id}}:read,stranger:stranger-key-01=other:read';

describe('{{id}} service', () => {
  it('lists say_hello with its arguments and the scope it needs', async () => {
    await using s = await server();
    const { result } = await s.request('tools/list');
    expect(result).toMatchObject({
      tools: [
        {
          name: 'say_hello',
          permissions: ['{{id}}:read'],
          inputSchema: { properties: { name: { type: 'string' } }, additionalProperties: false },
        },
      ],
    });
  });

  it('greets with the configured word', async () => {
    await using s = await server({ {{ENV}}_GREETING: 'Bonjour' });
    const { result } = await s.request('tools/call', { name: 'say_hello', arguments: { name: 'Ada' } });
    expect(result).toMatchObject({ isError: false, structuredContent: { greeting: 'Bonjour, Ada!' } });
  });

  it('refuses a wrong argument with -32602 naming it', async () => {
    await using s = await server();
    const { error } = await s.request('tools/call', { name: 'say_hello', arguments: { name: 42 } });
    expect(error).toMatchObject({ code: -32602, data: { param: 'name' } });
  });

  it("answers a key holding {{id}}:read and refuses another service's key with -32002", async () => {
    await using s = await server({ MCP_API_KEYS: API_KEYS });
    const call = (apiKey: string) =>
      s.request('tools/call', { name: 'say_hello', arguments: { name: 'Ada' } }, { apiKey });
    expect((await call('reader-key-0001')).result).toMatchObject({ isError: false });
    expect((await call('stranger-key-01')).error).toMatchObject({
      code: -32002,
      data: { required_permission: '{{id}}:read' },
    });
  });

  it('refuses a bad configuration, naming the variable', async () => {
    const refused = await server({ {{ENV}}_GREETING: 'x'.repeat(41) }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([expect.stringMatching(/^{{ENV}}_GREETING: /)]);
  });
});
