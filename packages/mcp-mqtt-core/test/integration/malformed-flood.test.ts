import { describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/errors.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { connectClient, freePort, uniqueServiceId } from '../../src/testing/index.js';
import { collect, kill, rawClient, spawnExample, waitFor } from './helpers.js';

const url = inject('mqttUrl');

type Case = { name: string; payload: string | Buffer; code: number | 'none'; responseTopic?: string };

const KINDS: Array<(i: number) => Case> = [
  (i) => ({ name: 'not JSON', payload: `{"jsonrpc":"2.0","id":${i},`, code: ErrorCode.ParseError }),
  (i) => ({
    name: 'no method',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i }),
    code: ErrorCode.InvalidRequest,
  }),
  (i) => ({
    name: 'wrong jsonrpc',
    payload: JSON.stringify({ jsonrpc: '1.0', id: i, method: 'ping' }),
    code: ErrorCode.InvalidRequest,
  }),
  (i) => ({
    name: 'bad id type',
    payload: JSON.stringify({ jsonrpc: '2.0', id: [i], method: 'ping' }),
    code: ErrorCode.InvalidRequest,
  }),
  (i) => ({
    name: 'scalar params',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list', params: 'x' }),
    code: ErrorCode.InvalidRequest,
  }),
  (i) => ({
    name: 'array params',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list', params: [] }),
    code: ErrorCode.InvalidParams,
  }),
  (i) => ({
    name: 'wrong param type',
    payload: JSON.stringify({
      jsonrpc: '2.0',
      id: i,
      method: 'tools/call',
      params: { name: 'echo', arguments: { message: i } },
    }),
    code: ErrorCode.InvalidParams,
  }),
  (i) => ({
    name: 'unknown tool',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: `nope${i}` } }),
    code: ErrorCode.InvalidParams,
  }),
  (i) => ({
    name: 'unknown method',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i, method: `x.${i}` }),
    code: ErrorCode.MethodNotFound,
  }),
  (i) => ({
    name: 'oversized',
    payload: Buffer.alloc(256 * 1024 + 1 + i, 0x20),
    code: ErrorCode.InvalidRequest,
  }),
  () => ({ name: 'empty batch', payload: '[]', code: ErrorCode.InvalidRequest }),
  (i) => ({
    name: 'batch junk',
    payload: JSON.stringify([1, 'x', { jsonrpc: '2.0', id: i }]),
    code: ErrorCode.InvalidRequest,
  }),
  (i) => ({
    name: '$ response topic',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping' }),
    code: 'none',
    responseTopic: '$SYS/x',
  }),
  (i) => ({
    name: 'wildcard response topic',
    payload: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'ping' }),
    code: 'none',
    responseTopic: 'mcp/clients/+/r',
  }),
];

describe('a flood of malformed payloads', () => {
  it('answers each with the code of the wire rules, stays bounded, and still serves a valid call', {
    timeout: 120_000,
  }, async () => {
    const serviceId = uniqueServiceId('flood');
    const port = await freePort();
    const child = spawnExample({
      MQTT_URL: url,
      MCP_SERVICE_ID: serviceId,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
    });
    try {
      await child.ready;
      await using client = await connectClient(url, { timeoutMs: 10_000 });
      const memoryBefore = (await client.request<{ memory_usage: number }>(serviceId, 'mcp.health_check'))
        .memory_usage;

      await using raw = await rawClient(url);
      const rt = `mcp/clients/flood/${serviceId}`;
      const answers = await collect(raw, `${rt}/#`);
      const cases = Array.from({ length: Number(process.env.FLOOD_COUNT ?? 1000) }, (_, i) =>
        KINDS[i % KINDS.length]!(i),
      );
      for (const [i, c] of cases.entries()) {
        await raw.publishAsync(serviceTopics(serviceId).request, c.payload, {
          qos: 1,
          properties: {
            responseTopic: c.responseTopic ?? `${rt}/${i}`,
            correlationData: Buffer.from(String(i)),
          },
        });
      }
      const expected = cases.filter((c) => c.code !== 'none').length;
      await waitFor(() => answers.length >= expected, 60_000, `${expected} answers`).catch((err: Error) => {
        throw new Error(`${err.message}; got ${answers.length}`);
      });
      for (const answer of answers) {
        const i = Number(answer.topic.split('/').at(-1));
        const body = JSON.parse(answer.payload);
        const error = Array.isArray(body) ? body[0].error : body.error;
        expect(error.code, cases[i]!.name).toBe(cases[i]!.code);
        if (cases[i]!.name === 'not JSON' || cases[i]!.name === 'oversized') expect(body.id).toBeNull();
        expect(answer.correlationData?.toString()).toBe(String(i));
      }
      const refused = cases.filter((c) => c.code === 'none').length;
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`mcp_rejected_messages_total\\{reason="response_topic"[^}]*\\} ${refused}\\b`),
      );

      const after = await client.request<{ memory_usage: number }>(serviceId, 'mcp.health_check');
      expect(after.memory_usage - memoryBefore).toBeLessThan(64);
      await expect(client.callTool(serviceId, 'echo', { message: 'still here' })).resolves.toMatchObject({
        structuredContent: { message: 'still here' },
      });
    } finally {
      await kill(child);
    }
  });
});
