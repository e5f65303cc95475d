import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { classify, parseMessage } from '../../../src/protocol/jsonrpc.js';

const LIMIT = 256 * 1024;

describe('parseMessage', () => {
  it('answers -32700 for bytes that are not JSON', () => {
    const parsed = parseMessage('{"jsonrpc":', LIMIT);
    expect(parsed.kind === 'error' && parsed.error.code).toBe(ErrorCode.ParseError);
  });

  it('answers -32600 for a payload over the limit, before parsing it', () => {
    const parsed = parseMessage(Buffer.alloc(LIMIT + 1, 0x20), LIMIT);
    expect(parsed.kind === 'error' && parsed.error.code).toBe(ErrorCode.InvalidRequest);
    expect(parsed.kind === 'error' && parsed.error.data).toMatchObject({
      max_bytes: LIMIT,
      received_bytes: LIMIT + 1,
    });
  });

  it('answers -32600 for an empty batch', () => {
    const parsed = parseMessage('[]', LIMIT);
    expect(parsed.kind === 'error' && parsed.error.code).toBe(ErrorCode.InvalidRequest);
  });

  it('classifies each element of a batch on its own', () => {
    const parsed = parseMessage(
      '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},5]',
      LIMIT,
    );
    expect(parsed.kind).toBe('batch');
    if (parsed.kind !== 'batch') return;
    expect(parsed.envelopes.map((e) => e.kind)).toEqual(['request', 'notification', 'invalid']);
  });
});

describe('classify', () => {
  it('accepts extra members and a missing params', () => {
    const envelope = classify({
      jsonrpc: '2.0',
      id: 'a',
      method: 'ping',
      auth: { api_key: 'x' },
      mcp_metadata: { priority: 'high' },
    });
    expect(envelope.kind).toBe('request');
  });

  it.each([
    ['no method', { jsonrpc: '2.0', id: 1 }, 1],
    ['wrong jsonrpc', { jsonrpc: '1.0', id: 2, method: 'ping' }, 2],
    ['scalar params', { jsonrpc: '2.0', id: 3, method: 'ping', params: 7 }, 3],
    ['bad id type', { jsonrpc: '2.0', id: { x: 1 }, method: 'ping' }, null],
    ['a string', 'ping', null],
  ])('refuses %s with -32600 and the readable id', (_name, body, id) => {
    const envelope = classify(body);
    expect(envelope.kind).toBe('invalid');
    if (envelope.kind !== 'invalid') return;
    expect(envelope.error.code).toBe(ErrorCode.InvalidRequest);
    expect(envelope.id).toBe(id);
  });

  it('refuses array params with -32602', () => {
    const envelope = classify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: [1] });
    expect(envelope.kind === 'invalid' && envelope.error.code).toBe(ErrorCode.InvalidParams);
    expect(envelope.kind === 'invalid' && envelope.id).toBe(9);
  });

  it('treats a request without id as a notification', () => {
    expect(classify({ jsonrpc: '2.0', method: 'notifications/initialized' }).kind).toBe('notification');
  });
});
