import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaSimulator } from '../../src/index.js';
import { RawClient, simulator } from '../helpers.js';

let sim: HaSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

describe('WebSocket authentication', () => {
  it('sends auth_required with the version, then auth_ok for the right token', async () => {
    const client = await RawClient.open(sim.wsUrl);
    expect(await client.next((m) => m.type === 'auth_required')).toEqual({
      type: 'auth_required',
      ha_version: '2025.6.0',
    });
    client.send({ type: 'auth', access_token: sim.token });
    expect(await client.next((m) => m.type === 'auth_ok')).toEqual({
      type: 'auth_ok',
      ha_version: '2025.6.0',
    });
    client.close();
  });

  it('answers auth_invalid then closes for a wrong token', async () => {
    const client = await RawClient.open(sim.wsUrl);
    client.send({ type: 'auth', access_token: 'not-the-token' });
    expect(await client.next((m) => m.type === 'auth_invalid')).toEqual({
      type: 'auth_invalid',
      message: 'Invalid access token or password',
    });
    await client.waitClosed();
  });

  it('explains a malformed auth message, as voluptuous does, then closes', async () => {
    const client = await RawClient.open(sim.wsUrl);
    client.send({ type: 'auth', access_token: sim.token, id: 1 });
    expect(await client.next((m) => m.type === 'auth_invalid')).toEqual({
      type: 'auth_invalid',
      message: "Auth message incorrectly formatted: extra keys not allowed @ data['id']. Got 1",
    });
    await client.waitClosed();
    const other = await RawClient.open(sim.wsUrl);
    other.send({ type: 'get_states', id: 1 });
    expect((await other.next((m) => m.type === 'auth_invalid')).message).toBe(
      "Auth message incorrectly formatted: extra keys not allowed @ data['id']. Got 1\nnot a valid value for dictionary value @ data['type']. Got 'get_states'",
    );
    await other.waitClosed();
  });

  it('closes without a word on non-JSON during authentication', async () => {
    const client = await RawClient.open(sim.wsUrl);
    client.send('hello');
    await client.waitClosed();
    expect(client.messages.map((m) => m.type)).toEqual(['auth_required']);
  });

  it('closes sessions of a rotated token, and accepts only the new one', async () => {
    const client = await RawClient.authenticated(sim);
    const old = sim.token;
    const fresh = sim.rotateToken();
    await client.waitClosed();
    const refused = await RawClient.open(sim.wsUrl);
    refused.send({ type: 'auth', access_token: old });
    await refused.next((m) => m.type === 'auth_invalid');
    const accepted = await RawClient.open(sim.wsUrl);
    accepted.send({ type: 'auth', access_token: fresh });
    await accepted.next((m) => m.type === 'auth_ok');
    accepted.close();
  });
});

describe('WebSocket commands: envelope rules', () => {
  it('answers pong to ping', async () => {
    const client = await RawClient.authenticated(sim);
    expect(await client.command({ id: 5, type: 'ping' })).toEqual({ id: 5, type: 'pong' });
    client.close();
  });

  it('requires increasing ids (gaps allowed) and reports id_reuse otherwise', async () => {
    const client = await RawClient.authenticated(sim);
    expect((await client.command({ id: 3, type: 'ping' })).type).toBe('pong');
    expect((await client.command({ id: 10, type: 'ping' })).type).toBe('pong');
    expect(await client.command({ id: 10, type: 'ping' })).toEqual({
      id: 10,
      type: 'result',
      success: false,
      error: { code: 'id_reuse', message: 'Identifier values have to increase.' },
    });
    expect((await client.command({ id: 4, type: 'ping' })).error).toMatchObject({ code: 'id_reuse' });
    client.close();
  });

  it('answers unknown_command without consuming the id, invalid_format for a bad envelope or schema', async () => {
    const client = await RawClient.authenticated(sim);
    expect((await client.command({ id: 1, type: 'no/such_command' })).error).toEqual({
      code: 'unknown_command',
      message: 'Unknown command.',
    });
    expect((await client.command({ id: 1, type: 'ping' })).type).toBe('pong');
    const from = client.messages.length;
    client.send({ type: 'ping' });
    expect(await client.next((m) => m.type === 'result', { from })).toEqual({
      id: null,
      type: 'result',
      success: false,
      error: { code: 'invalid_format', message: 'Message incorrectly formatted.' },
    });
    expect((await client.command({ id: 2, type: 'call_service', domain: 'light' })).error).toEqual({
      code: 'invalid_format',
      message: "required key not provided @ data['service']. Got None",
    });
    expect((await client.command({ id: 3, type: 'get_states', extra: true })).error).toEqual({
      code: 'invalid_format',
      message: "extra keys not allowed @ data['extra']. Got True",
    });
    client.close();
  });

  it('handles a JSON array of commands and coalesces answers once coalesce_messages is announced', async () => {
    const client = await RawClient.authenticated(sim);
    expect(
      (await client.command({ id: 1, type: 'supported_features', features: { coalesce_messages: 1 } }))
        .success,
    ).toBe(true);
    const frames = client.frames.length;
    client.send([
      { id: 2, type: 'ping' },
      { id: 3, type: 'ping' },
      { id: 4, type: 'ping' },
    ]);
    await client.next((m) => m.id === 4);
    expect(client.frames.slice(frames)).toEqual([
      '[{"id":2,"type":"pong"},{"id":3,"type":"pong"},{"id":4,"type":"pong"}]',
    ]);
    client.close();
  });

  it('disconnects on invalid JSON after authentication', async () => {
    const client = await RawClient.authenticated(sim);
    client.send('{not json');
    await client.waitClosed();
  });
});
