import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Call, PendingCalls } from '../../../src/client/calls.js';
import { RemoteError, RequestTimeoutError, TooManyPendingError } from '../../../src/client/errors.js';
import { RequestCancelledError } from '../../../src/protocol/errors.js';

let cancels: Array<{ id: string; reason: string }>;
let calls: PendingCalls;
const call = { serviceId: 'weather', method: 'tools/call', apiKey: 'key-0001' };
const wait = (id: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}) =>
  calls.wait(id, call, {
    timeoutMs: options.timeoutMs ?? 1000,
    deadline: Date.now() + (options.timeoutMs ?? 1000),
    signal: options.signal,
    withoutApiKey: false,
  });
const answer = (id: string, body: unknown) =>
  calls.answer(Buffer.from(id), Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

beforeEach(() => {
  vi.useFakeTimers();
  cancels = [];
  calls = new PendingCalls({
    maxPending: 3,
    cancel: (c: Call, reason) => cancels.push({ id: c.id, reason }),
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PendingCalls ids', () => {
  it('draws 128 random bits per call', () => {
    const ids = Array.from({ length: 50 }, () => calls.idFor('weather', 'k', undefined));
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('derives an idempotent id from the key, the service and the caller’s id, under its own secret', () => {
    const id = calls.idFor('weather', 'k', 'order-1');
    expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(calls.idFor('weather', 'k', 'order-1')).toBe(id);
    expect(calls.idFor('weather', 'other', 'order-1')).not.toBe(id);
    expect(calls.idFor('docker', 'k', 'order-1')).not.toBe(id);
    expect(calls.idFor('weather', undefined, 'order-1')).not.toBe(id);
    const elsewhere = new PendingCalls({ maxPending: 1, cancel: () => {} });
    expect(elsewhere.idFor('weather', 'k', 'order-1')).not.toBe(id);
  });
});

describe('PendingCalls answers', () => {
  it('resolves with the result, rejects a JSON-RPC error as RemoteError, ignores unknown ids', async () => {
    const ok = wait('a');
    const failed = wait('b');
    answer('nobody', { jsonrpc: '2.0', id: 'nobody', result: {} });
    answer('a', { jsonrpc: '2.0', id: 'a', result: { fine: true } });
    answer('b', {
      jsonrpc: '2.0',
      id: 'b',
      error: { code: -32602, message: 'Invalid params', data: { param: 'x' } },
    });
    await expect(ok.answer).resolves.toEqual({ fine: true });
    const error = await failed.answer.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: -32602, data: { param: 'x' } });
    expect(calls.size).toBe(0);
  });

  it('says what is wrong with a body that is not JSON or not a JSON-RPC response', async () => {
    const junk = wait('a');
    const odd = wait('b');
    answer('a', 'not json');
    answer('b', { hello: 'world' });
    await expect(junk.answer).rejects.toThrow('weather answered tools/call with a body that is not JSON');
    await expect(odd.answer).rejects.toThrow('weather answered tools/call with an invalid JSON-RPC response');
  });
});

describe('PendingCalls waiters', () => {
  it('times out, and tells the service that nobody waits', async () => {
    const pending = wait('a', { timeoutMs: 500 });
    const outcome = pending.answer.catch((err: unknown) => err);
    vi.advanceTimersByTime(500);
    expect(await outcome).toBeInstanceOf(RequestTimeoutError);
    expect(cancels).toEqual([{ id: 'a', reason: 'no answer within 500 ms' }]);
    expect(calls.size).toBe(0);
  });

  it('rejects an abort at once with its reason, and cancels with it', async () => {
    const controller = new AbortController();
    const pending = wait('a', { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    const error = await pending.answer.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RequestCancelledError);
    expect((error as Error).message).toBe('request cancelled: user gave up');
    expect(cancels).toEqual([{ id: 'a', reason: 'user gave up' }]);
  });

  it('joins a pending id; the call is cancelled only when its last waiter leaves', async () => {
    const first = new AbortController();
    const a = wait('same', { signal: first.signal });
    const b = wait('same', { timeoutMs: 800 });
    expect([a.fresh, b.fresh]).toEqual([true, false]);
    expect(calls.size).toBe(1);
    first.abort();
    await expect(a.answer).rejects.toBeInstanceOf(RequestCancelledError);
    expect(cancels).toEqual([]);
    answer('same', { jsonrpc: '2.0', id: 'same', result: { shared: true } });
    await expect(b.answer).resolves.toEqual({ shared: true });
    expect(cancels).toEqual([]);
  });

  it('refuses a new call past maxPending at once, never a joined one', () => {
    for (const id of ['a', 'b', 'c']) wait(id);
    expect(() => wait('d')).toThrow(TooManyPendingError);
    expect(wait('a').fresh).toBe(false);
  });

  it('ends every call with the error of a lost connection, and sends no cancellation', async () => {
    const a = wait('a');
    const b = wait('b');
    calls.failAll((c) => new Error(`lost ${c.id}`));
    await expect(a.answer).rejects.toThrow('lost a');
    await expect(b.answer).rejects.toThrow('lost b');
    vi.advanceTimersByTime(5_000);
    expect(cancels).toEqual([]);
  });
});
