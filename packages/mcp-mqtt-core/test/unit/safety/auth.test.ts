import { describe, expect, it } from 'vitest';
import { ErrorCode, type RpcError } from '../../../src/protocol/errors.js';
import {
  Authenticator,
  grants,
  keyDigestEntry,
  keyId,
  parseApiKeys,
  signRequest,
} from '../../../src/safety/auth.js';

const KEYS = parseApiKeys('reader-key-123=weather:read,admin-key-456=*');
const request = (auth?: unknown) => ({
  jsonrpc: '2.0' as const,
  id: 1,
  method: 'tools/call',
  params: { name: 'x' },
  auth,
});

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return (err as RpcError).code;
  }
  return undefined;
}

describe('parseApiKeys', () => {
  it('reads key=scope|scope entries', () => {
    const keys = parseApiKeys('abcdefgh=weather:read|docker:admin, ijklmnop=*');
    expect(keys.map((k) => k.scopes)).toEqual([['weather:read', 'docker:admin'], ['*']]);
    expect(keys[0]!.keyId).toBe(keyId('abcdefgh'));
  });

  it('refuses a malformed entry naming its position, never its text', () => {
    expect(() => parseApiKeys('abcdefgh=a,short=b')).toThrow(/entry 2/);
    expect(() => parseApiKeys('abcdefgh=a,secret-key-no-scope=')).toThrow(/entry 2 grants no scope/);
    expect(() => parseApiKeys('abcdefgh=a,secret-key-no-scope=')).not.toThrow(/secret-key/);
    expect(() => parseApiKeys(`sha256:${'a'.repeat(64)}=x`)).toThrow(/without an owner/);
    expect(() => parseApiKeys(`n:sha256:${'a'.repeat(63)}=x`)).toThrow(/malformed digest/);
    // Upper-case hex is the same digest, never a plaintext key that starts with "sha256:".
    const upper = keyDigestEntry('n', 'some-key-0001', ['x']).replace(/[0-9a-f]{64}/, (hex) =>
      hex.toUpperCase(),
    );
    expect(parseApiKeys(upper)[0]!.keyId).toBe(keyId('some-key-0001'));
  });

  it('reads owned keys, plain or as a SHA-256 digest, to the same key id', () => {
    const digest = keyDigestEntry('neurhomia', 'front-end-key-0001', ['weather:read', 'ha:*']);
    expect(digest).toMatch(/^neurhomia:sha256:[0-9a-f]{64}=weather:read\|ha:\*$/);
    const [plain, hashed, legacy] = parseApiKeys(`cli:admin-key-0001=*,${digest},legacy-key-0001=x:read`);
    expect(plain).toMatchObject({ owner: 'cli', scopes: ['*'], keyId: keyId('admin-key-0001') });
    expect(hashed).toMatchObject({ owner: 'neurhomia', keyId: keyId('front-end-key-0001') });
    expect(legacy).toMatchObject({ owner: undefined, keyId: keyId('legacy-key-0001') });
  });
});

describe('keys bound to an inbox', () => {
  const auth = new Authenticator({
    serviceId: 's',
    keys: parseApiKeys(`${keyDigestEntry('neurhomia', 'front-end-key-0001', ['*'])},legacy-key-0001=*`),
    requireSignature: false,
  });

  it('authenticates a digest entry with the plain key, and names its owner', () => {
    const caller = auth.authenticate(request({ api_key: 'front-end-key-0001' }), 'x');
    expect(caller).toMatchObject({ owner: 'neurhomia', keyId: keyId('front-end-key-0001') });
    expect(auth.mayAnswer(caller, 'neurhomia')).toBe(true);
    expect(auth.mayAnswer(caller, 'cli')).toBe(false);
  });

  it('leaves a legacy key unbound, and counts it', () => {
    const caller = auth.authenticate(request({ api_key: 'legacy-key-0001' }), 'x');
    expect(auth.mayAnswer(caller, 'anyone')).toBe(true);
    expect(auth.unownedKeys).toBe(1);
  });
});

describe('grants', () => {
  it('matches exact, service wildcard and global wildcard scopes', () => {
    expect(grants(['weather:read'], 'weather:read')).toBe(true);
    expect(grants(['ha:*'], 'ha:write')).toBe(true);
    expect(grants(['*'], 'docker:admin')).toBe(true);
    expect(grants(['weather:read'], 'weather:admin')).toBe(false);
    expect(grants(['ha:*'], 'hall:read')).toBe(false);
  });
});

describe('Authenticator', () => {
  it('runs open with every scope when no key is configured', () => {
    const caller = new Authenticator({ serviceId: 'svc', keys: [], requireSignature: false }).authenticate(
      request(),
      'cli',
    );
    expect(caller.scopes).toEqual(['*']);
  });

  it('refuses a missing or unknown key with -32001 and resolves a known one to its key id', () => {
    const auth = new Authenticator({ serviceId: 'svc', keys: KEYS, requireSignature: false });
    expect(codeOf(() => auth.authenticate(request(), 'x'))).toBe(ErrorCode.Unauthorized);
    expect(codeOf(() => auth.authenticate(request({ api_key: 'nope-nope-nope' }), 'x'))).toBe(
      ErrorCode.Unauthorized,
    );
    const caller = auth.authenticate(request({ api_key: 'reader-key-123' }), 'x');
    expect(caller).toMatchObject({ keyId: keyId('reader-key-123'), scopes: ['weather:read'] });
    expect(codeOf(() => Authenticator.authorize(caller, ['weather:admin']))).toBe(ErrorCode.Forbidden);
  });

  it('verifies signatures inside the window and refuses replays', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const auth = new Authenticator({ serviceId: 'svc', keys: KEYS, requireSignature: true, now: () => now });
    const body = request();
    const signed = signRequest(body, 'reader-key-123', 'svc', now);
    expect(auth.authenticate({ ...body, auth: signed }, 'x').keyId).toBe(keyId('reader-key-123'));
    expect(codeOf(() => auth.authenticate({ ...body, auth: signed }, 'x'))).toBe(ErrorCode.Unauthorized); // replay
    // the same signature spelled differently is the same replay
    expect(
      codeOf(() =>
        auth.authenticate({ ...body, auth: { ...signed, signature: signed.signature.toUpperCase() } }, 'x'),
      ),
    ).toBe(ErrorCode.Unauthorized);
    expect(
      codeOf(() =>
        auth.authenticate({ ...body, auth: { ...signed, signature: `${signed.signature}zz` } }, 'x'),
      ),
    ).toBe(ErrorCode.Unauthorized);
    // a request signed for another service is refused here
    const elsewhere = signRequest(body, 'reader-key-123', 'other-service', now);
    expect(codeOf(() => auth.authenticate({ ...body, auth: elsewhere }, 'x'))).toBe(ErrorCode.Unauthorized);
    expect(codeOf(() => auth.authenticate({ ...body, auth: { ...elsewhere, service_id: 'svc' } }, 'x'))).toBe(
      ErrorCode.Unauthorized,
    );
    const tampered = signRequest(body, 'reader-key-123', 'svc', now);
    expect(codeOf(() => auth.authenticate({ ...body, params: { name: 'y' }, auth: tampered }, 'x'))).toBe(
      ErrorCode.Unauthorized,
    );
    const old = signRequest(body, 'reader-key-123', 'svc', now - 6 * 60_000);
    expect(codeOf(() => auth.authenticate({ ...body, auth: old }, 'x'))).toBe(ErrorCode.Unauthorized);
    now += 1;
    expect(codeOf(() => auth.authenticate(request({ api_key: 'reader-key-123' }), 'x'))).toBe(
      ErrorCode.Unauthorized,
    ); // unsigned
  });
});
