import { ErrorCode } from '@neurhomia/mcp-mqtt-core';
import {
  ConnectionLostError,
  RemoteError,
  RequestTimeoutError,
  TooManyPendingError,
} from '@neurhomia/mcp-mqtt-core/client';
import { describe, expect, it } from 'vitest';
import {
  httpStatusOf,
  MCP_CODE_OF,
  mcpError,
  protocolError,
  ServiceDownError,
  UnknownToolError,
} from '../src/errors.js';

describe('mcpError', () => {
  it('moves the codes the MCP SDK reads otherwise, and keeps the original in data.mqtt_code', () => {
    const cases: Array<[number, number]> = [
      [ErrorCode.Unauthorized, -32011],
      [ErrorCode.Forbidden, -32012],
      [ErrorCode.ResourceNotFound, -32002],
      [ErrorCode.Timeout, -32001],
    ];
    for (const [seed, mcp] of cases) {
      const error = mcpError(new RemoteError(seed, 'm', { detail: 1 }));
      expect(error).toMatchObject({ code: mcp, message: 'm', data: { detail: 1, mqtt_code: seed } });
    }
    // None of the new codes is one the SDK or MCP gives a meaning to.
    expect(Object.values(MCP_CODE_OF).filter((c) => c === -32011 || c === -32012)).toHaveLength(2);
  });

  it('keeps every other code as it is', () => {
    for (const code of [-32602, -32601, -32603, -32005, -32006]) {
      expect(mcpError(new RemoteError(code, 'x'))).toMatchObject({ code, message: 'x' });
      expect(mcpError(new RemoteError(code, 'x')).data).toBeUndefined();
    }
  });

  it('turns the gateway’s own failures into errors a client can act on', () => {
    expect(mcpError(new RequestTimeoutError('weather', 'tools/call', 500))).toMatchObject({
      code: -32001,
      data: { service: 'weather', timeout_ms: 500, mqtt_code: -32004 },
    });
    expect(mcpError(new ServiceDownError('weather', 'stale', Date.UTC(2030, 0, 1)))).toMatchObject({
      code: -32006,
      message: expect.stringContaining('3 heartbeats missed'),
      data: { service: 'weather', state: 'stale', since: '2030-01-01T00:00:00.000Z' },
    });
    expect(mcpError(new UnknownToolError('x', ['a__x', 'b__x']))).toMatchObject({
      code: -32602,
      data: { param: 'name', candidates: ['a__x', 'b__x'] },
    });
    expect(mcpError(new TooManyPendingError(10))).toMatchObject({ code: -32005, data: { retry_after_s: 1 } });
    expect(mcpError(new ConnectionLostError('w', 'm'))).toMatchObject({ code: -32006 });
    expect(mcpError(new Error('boom'))).toMatchObject({ code: -32603, message: 'Internal error' });
  });
});

describe('httpStatusOf (seed 002 API)', () => {
  it('gives each project code its HTTP status', () => {
    const status = (err: unknown) => httpStatusOf(protocolError(err));
    expect(status(new RemoteError(-32001, 'x'))).toBe(401);
    expect(status(new RemoteError(-32002, 'x'))).toBe(403);
    expect(status(new RemoteError(-32003, 'x'))).toBe(404);
    expect(status(new RemoteError(-32602, 'x', { param: 'days' }))).toBe(400);
    expect(status(new UnknownToolError('x'))).toBe(404);
    expect(status(new RequestTimeoutError('w', 'm', 1))).toBe(504);
    expect(status(new RemoteError(-32005, 'x'))).toBe(429);
    expect(status(new ServiceDownError('w', 'offline', undefined))).toBe(503);
    expect(status(new RemoteError(-32603, 'x'))).toBe(502);
    expect(status(new Error('ours'))).toBe(500);
  });
});
