import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { startService, uniqueServiceId } from '../../src/testing/index.js';
import { spawnProcess } from './cli-process.js';

const url = inject('mqttUrl');
const PROTOCOL_DOC = fileURLToPath(new URL('../../../../docs/protocol.md', import.meta.url));
// Inside the package, so that the example's `import mqtt from 'mqtt'` resolves as a user's would.
const SCRATCH = fileURLToPath(new URL('../../test-results/', import.meta.url));
const MARKER = '<!-- tested: test/integration/doc-client-example.test.ts runs this block -->';

/** The fenced code block right after the marker in docs/protocol.md. */
function documentedClient(): string {
  const doc = readFileSync(PROTOCOL_DOC, 'utf8');
  const at = doc.indexOf(MARKER);
  expect(at, 'the marker in docs/protocol.md').toBeGreaterThan(0);
  const block = /```js\n([\s\S]*?)\n```/.exec(doc.slice(at));
  expect(block, 'a js block after the marker').not.toBeNull();
  return block![1]!;
}

const serviceId = uniqueServiceId('doc');
let service: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  service = await startService(exampleService, { url, env: { MCP_SERVICE_ID: serviceId } });
});
afterAll(async () => {
  await service?.stop();
});

describe('docs/protocol.md §13, the MQTT.js client', () => {
  it('runs as written: TCP_NODELAY, a QoS 0 response topic, 1000 sequential calls', async () => {
    const source = documentedClient();
    expect(source).toContain("client.on('connect', () => client.stream.setNoDelay?.(true));");
    expect(source).toContain('await client.subscribeAsync(responseTopic, { qos: 0 });');
    mkdirSync(SCRATCH, { recursive: true });
    const file = `${SCRATCH}doc-client-example.mjs`;
    writeFileSync(file, source);
    const run = spawnProcess([file], { PATH: process.env.PATH, MQTT_URL: url, MCP_SERVICE: serviceId });
    const { code } = await run.exited;
    expect({ code, stderr: run.stderrText() }).toEqual({ code: 0, stderr: '' });
    expect(run.lines()).toEqual([
      '{"message":"hi"}',
      expect.stringMatching(/^1000 sequential calls in \d+ ms$/),
    ]);
  });
});
