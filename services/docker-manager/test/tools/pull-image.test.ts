import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isImageReference, readProgress, withDefaultTag } from '../../src/tools/pull-image.js';

describe('image references', () => {
  it('accepts what docker pull accepts', () => {
    for (const ok of [
      'busybox',
      'eclipse-mosquitto:2',
      'library/node:24-bookworm-slim',
      'ghcr.io/owner/app:1.2.3',
      'localhost/app',
      'registry:5000/team/app:v1',
      '127.0.0.1:5000/neurhomia-test/tiny:dm-1',
      `node@sha256:${'a'.repeat(64)}`,
      `ghcr.io/owner/app:1.2@sha256:${'0'.repeat(64)}`,
    ])
      expect(isImageReference(ok), ok).toBe(true);
  });

  it('refuses what it would not (upper case paths, spaces, two tags, paths out)', () => {
    for (const bad of [
      'UPPER/case',
      'App',
      'a b',
      'name:tag:tag',
      '../x',
      'ghcr.io/',
      'x@sha256:short',
      'a//b',
    ])
      expect(isImageReference(bad), bad).toBe(false);
  });

  it('adds the latest tag only where there is no tag or digest (a registry port is not a tag)', () => {
    expect(withDefaultTag('busybox')).toBe('busybox:latest');
    expect(withDefaultTag('registry:5000/app')).toBe('registry:5000/app:latest');
    expect(withDefaultTag('registry:5000/app:1')).toBe('registry:5000/app:1');
    expect(withDefaultTag(`app@sha256:${'a'.repeat(64)}`)).toBe(`app@sha256:${'a'.repeat(64)}`);
  });
});

describe("the engine's pull progress stream", () => {
  const never = new AbortController().signal;
  it('reads the digest, layers and final status', async () => {
    // The shape of POST /images/create progress lines (Engine API 1.41).
    const stream = Readable.from([
      '{"status":"Pulling from neurhomia-test/tiny","id":"dm-1"}\n{"status":"Pulling fs layer","progressDetail":{},"id":"5f3a7ee4b8b1"}\n',
      '{"status":"Download complete","progressDetail":{},"id":"5f3a7ee4b8b1"}\r\n{"status":"Digest: sha256:',
      `${'d'.repeat(64)}"}\n{"status":"Status: Downloaded newer image for 127.0.0.1:5000/neurhomia-test/tiny:dm-1"}\n`,
    ]);
    expect(await readProgress(stream, never)).toEqual({
      statuses: [
        'Pulling from neurhomia-test/tiny',
        `Digest: sha256:${'d'.repeat(64)}`,
        'Status: Downloaded newer image for 127.0.0.1:5000/neurhomia-test/tiny:dm-1',
      ],
      layers: 1,
      digest: `sha256:${'d'.repeat(64)}`,
      error: undefined,
    });
  });

  it('reports the first error line as the failure', async () => {
    const stream = Readable.from([
      '{"status":"Pulling from x"}\n',
      '{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n',
    ]);
    expect((await readProgress(stream, never)).error).toBe('manifest unknown');
  });
});
