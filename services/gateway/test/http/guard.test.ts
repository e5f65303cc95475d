import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequestOrigin, hostnameOf } from '../../src/http/guard.js';
import type { HttpError } from '../../src/http/respond.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const policy = { allowedHosts: ['gateway'], allowedOrigins: ['http://localhost:5173'] };
const check = (headers: Record<string, string>, p = policy) => {
  try {
    return { ok: true, cors: checkRequestOrigin(request(headers), p) };
  } catch (err) {
    return { ok: false, status: (err as HttpError).status };
  }
};

describe('hostnameOf', () => {
  it('drops the port, keeps IPv6 brackets', () => {
    expect(hostnameOf('LocalHost:3003')).toBe('localhost');
    expect(hostnameOf('[::1]:3003')).toBe('[::1]');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('checkRequestOrigin', () => {
  it('accepts loopback and allowed hosts, refuses others (DNS rebinding)', () => {
    for (const host of ['localhost:3003', '127.0.0.1:3003', '[::1]:3003', 'gateway:3003']) {
      expect(check({ host })).toEqual({ ok: true, cors: undefined });
    }
    expect(check({ host: 'evil.example.com' })).toEqual({ ok: false, status: 403 });
    expect(check({})).toEqual({ ok: false, status: 403 });
    expect(check({ host: 'anything' }, { ...policy, allowedHosts: ['*'] })).toMatchObject({ ok: true });
  });

  it('lets requests without Origin and same-origin pages through, grants CORS to allowed origins only', () => {
    expect(check({ host: '127.0.0.1:3003', origin: 'http://127.0.0.1:3003' })).toEqual({
      ok: true,
      cors: undefined,
    });
    expect(check({ host: '127.0.0.1:3003', origin: 'http://localhost:5173' })).toEqual({
      ok: true,
      cors: 'http://localhost:5173',
    });
    expect(check({ host: '127.0.0.1:3003', origin: 'http://localhost:5174' })).toEqual({
      ok: false,
      status: 403,
    });
    expect(check({ host: '127.0.0.1:3003', origin: 'null' })).toEqual({ ok: false, status: 403 });
    // A rebinding page is same-origin with its own Host, but that Host is refused first.
    expect(check({ host: 'evil.example.com', origin: 'http://evil.example.com' })).toEqual({
      ok: false,
      status: 403,
    });
  });
});
