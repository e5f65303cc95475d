import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@neurhomia/mcp-mqtt-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, newRunId, SUITE, SUITE_LABEL, waitFor } from '../support/containers.js';
import { REGISTRY_BINARY } from '../support/global-setup.js';
import { startDockerManager } from '../support/service.js';

/**
 * pull_image against a real registry on 127.0.0.1 — Debian's docker-registry (distribution 2.8),
 * which the engine trusts without TLS on the loopback network — holding a tiny image built here
 * FROM scratch and pushed by the engine.
 */
const runId = newRunId();
const dir = mkdtempSync(join(tmpdir(), 'dm-registry-'));
let registry: ChildProcess;
let registryHost: string;
let image: string;
let dm: Awaited<ReturnType<typeof startDockerManager>>;

async function follow(stream: NodeJS.ReadableStream) {
  const output = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, result: Array<{ error?: string }>) =>
      error ? reject(error) : resolve(result),
    ),
  );
  const failure = output.find((line) => line.error);
  if (failure) throw new Error(failure.error);
}

beforeAll(async () => {
  const port = await freePort();
  registryHost = `127.0.0.1:${port}`;
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${registryHost}\n`,
  );
  registry = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  await waitFor(
    () =>
      fetch(`http://${registryHost}/v2/`)
        .then((r) => r.ok || undefined)
        .catch(() => undefined),
    'the registry to listen',
  );

  // A one-file image, FROM scratch: a few hundred bytes to push and pull.
  mkdirSync(join(dir, 'context'));
  writeFileSync(join(dir, 'context', 'hello.txt'), `hello from ${runId}\n`);
  writeFileSync(
    join(dir, 'context', 'Dockerfile'),
    `FROM scratch\nCOPY hello.txt /hello.txt\nLABEL ${SUITE_LABEL}=${SUITE}\n`,
  );
  image = `${registryHost}/neurhomia-test/tiny:${runId}`;
  await follow(
    await docker.buildImage(
      { context: join(dir, 'context'), src: ['Dockerfile', 'hello.txt'] },
      { t: image },
    ),
  );
  // The engine wants an X-Registry-Auth header on a push, even for a registry without auth.
  await follow(await docker.getImage(image).push({ authconfig: { serveraddress: registryHost } }));
  await docker.getImage(image).remove();
  dm = await startDockerManager();
}, 90_000);

afterAll(async () => {
  await dm?.[Symbol.asyncDispose]();
  await docker
    .getImage(image)
    .remove()
    .catch(() => {});
  registry?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('pull_image', () => {
  it('pulls an image from the registry and waits until it is there', async () => {
    const pulled = await dm.call('pull_image', { image });
    expect(pulled.isError).toBe(false);
    expect(pulled.structuredContent).toMatchObject({
      image,
      up_to_date: false,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      layers: 1,
    });
    const local = await docker.getImage(image).inspect();
    expect(pulled.structuredContent?.id).toBe(local.Id.replace('sha256:', '').slice(0, 12));

    const again = await dm.call('pull_image', { image });
    expect(again.structuredContent).toMatchObject({
      up_to_date: true,
      digest: pulled.structuredContent?.digest,
    });
  });

  it('pulls "latest" when no tag is given', async () => {
    const result = await dm.call('pull_image', { image: `${registryHost}/neurhomia-test/tiny` });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ image: `${registryHost}/neurhomia-test/tiny:latest` });
  });

  it("reports an unknown image as isError with the registry's reason", async () => {
    const missing = `${registryHost}/neurhomia-test/absent:${runId}`;
    const result = await dm.call('pull_image', { image: missing });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ reason: 'pull_failed', image: missing });
    expect(String(result.structuredContent?.error)).toMatch(
      new RegExp(`Cannot pull ${missing}: .*(not found|unknown)`),
    );
  });

  it('reports an unreachable registry as isError', async () => {
    const nowhere = `127.0.0.1:${await freePort()}/neurhomia-test/tiny:1`;
    const result = await dm.call('pull_image', { image: nowhere });
    expect(result.isError).toBe(true);
    expect(String(result.structuredContent?.error)).toMatch(/connection refused/);
  });

  it('refuses a malformed reference with -32602', async () => {
    for (const bad of ['UPPER/case', 'a b', 'name:tag:tag', '../x']) {
      await expect(dm.call('pull_image', { image: bad })).rejects.toMatchObject({ code: -32602 });
    }
  });
});
