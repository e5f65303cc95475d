import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../src/index.js';
import { rest, simulator } from './helpers.js';

let sim: HaSimulator;
beforeAll(async () => {
  sim = await simulator({ controlPort: 0 });
});
afterAll(() => sim.close());

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.controlUrl}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('HTTP control API', () => {
  it('reports health and stays up while Home Assistant is down', async () => {
    expect(await control('GET', '/health')).toEqual({ status: 200, body: { status: 'ok', down: null } });
    expect((await control('POST', '/down', { down: true, mode: 'refuse' })).body).toEqual({
      ok: true,
      down: 'refuse',
    });
    await expect(fetch(`${sim.url}/api/`)).rejects.toThrow();
    expect((await control('GET', '/health')).body.down).toBe('refuse');
    await control('POST', '/down', { down: false });
    expect((await rest(sim, 'GET', '/api/')).status).toBe(200);
  });

  it('changes states from outside, injects failures, rotates the token, shows observations', async () => {
    expect(
      (await control('POST', '/state', { entity_id: 'binary_sensor.front_door', state: 'on' })).body,
    ).toMatchObject({ state: 'on', attributes: { device_class: 'door' } });
    await control('POST', '/failure', {
      domain: 'lock',
      service: 'unlock',
      kind: 'service_validation_error',
      message: 'Jammed',
    });
    expect(
      (await rest(sim, 'POST', '/api/services/lock/unlock', { body: { entity_id: 'lock.front_door' } }))
        .status,
    ).toBe(500);
    const observed = (await control('GET', '/observations')).body as {
      calls: Array<Record<string, unknown>>;
      counters: { rest: Record<string, number> };
    };
    expect(observed.calls.at(-1)).toMatchObject({
      domain: 'lock',
      service: 'unlock',
      ok: false,
      error: 'Jammed',
    });
    expect(observed.counters.rest['POST /api/services/{domain}/{service}']).toBe(1);
    await control('POST', '/reset');
    expect(
      (await rest(sim, 'POST', '/api/services/lock/unlock', { body: { entity_id: 'lock.front_door' } }))
        .status,
    ).toBe(200);
    const { body } = await control('POST', '/token', { token: 'a-brand-new-token' });
    expect(body).toEqual({ token: 'a-brand-new-token' });
    expect((await rest(sim, 'GET', '/api/', { token: 'a-brand-new-token' })).status).toBe(200);
  });

  it('refuses malformed control requests with a clear message', async () => {
    expect(await control('POST', '/latency', { ms: -1 })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('ms:') },
    });
    expect(await control('POST', '/down', { down: 'yes' })).toMatchObject({ status: 400 });
    expect(await control('POST', '/state', { entity_id: 'Bad Id', state: 'x' })).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('Invalid entity id') },
    });
    expect(await control('GET', '/nothing')).toMatchObject({ status: 404 });
  });
});
