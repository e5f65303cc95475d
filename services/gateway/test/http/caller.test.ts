import type { IncomingMessage } from 'node:http';
import { keyId } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { callerOf } from '../../src/http/caller.js';
import type { HttpError } from '../../src/http/respond.js';

const request = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as IncomingMessage;

describe('callerOf', () => {
  it('takes the bearer token, else the default key, else none', () => {
    expect(callerOf(request('Bearer abc-123_XYZ.~+/='), 'default-key')).toMatchObject({
      apiKey: 'abc-123_XYZ.~+/=',
      fromRequest: true,
    });
    expect(callerOf(request('bearer lower-case-scheme'), undefined).apiKey).toBe('lower-case-scheme');
    expect(callerOf(request(), 'default-key')).toMatchObject({ apiKey: 'default-key', fromRequest: false });
    expect(callerOf(request(), undefined)).toMatchObject({ apiKey: undefined, keyId: null });
  });

  it('names a key as the services do (key id), never by the key itself', () => {
    const caller = callerOf(request('Bearer my-secret-key'), undefined);
    expect(caller.keyId).toBe(keyId('my-secret-key'));
    expect(caller.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify({ ...caller, apiKey: undefined })).not.toContain('my-secret-key');
  });

  it('refuses a malformed Authorization header with 401 instead of ignoring it', () => {
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two words', `Bearer ${'k'.repeat(513)}`]) {
      let status: number | undefined;
      try {
        callerOf(request(header), 'default-key');
      } catch (err) {
        status = (err as HttpError).status;
      }
      expect({ header, status }).toEqual({ header, status: 401 });
    }
  });
});
