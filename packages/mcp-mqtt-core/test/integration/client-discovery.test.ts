import { describe, expect, inject, it } from 'vitest';
import { RequestTimeoutError, ServiceOfflineError } from '../../src/client/errors.js';
import { exampleService } from '../../src/example/service.js';
import { connectClient, startService, uniqueServiceId } from '../../src/testing/index.js';
import { announceSilentService } from './announce.js';
import { waitFor } from './helpers.js';

const url = inject('mqttUrl');

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: Error) => err,
  );
}

describe('McpMqttClient and discovery', () => {
  it('fails a call to a service announced offline at once, with ServiceOfflineError', async () => {
    const serviceId = uniqueServiceId('offline');
    const service = await startService(exampleService, { url, env: { MCP_SERVICE_ID: serviceId } });
    await using watching = await connectClient(url, { watchServices: true, timeoutMs: 60_000 });
    expect(watching.service(serviceId)?.state).toBe('up');
    await service.stop();
    await waitFor(() => watching.service(serviceId)?.state === 'offline', 5000, 'offline document');

    const error = await errorOf(watching.callTool(serviceId, 'echo', { message: 'hi' }));
    expect(error).toBeInstanceOf(ServiceOfflineError);
    expect(error).toMatchObject({
      serviceId,
      method: 'tools/call',
      since: watching.service(serviceId)!.discovery.timestamp,
    });

    // A client connecting later has the retained document before connect resolves.
    await using late = await connectClient(url, { watchServices: true, timeoutMs: 60_000 });
    expect(await errorOf(late.request(serviceId, 'ping'))).toBeInstanceOf(ServiceOfflineError);
  });

  it('lists the retained documents once listServices resolves, on a client that was not watching', async () => {
    const silent = await announceSilentService(url, uniqueServiceId('listed'), { status: 'offline' });
    try {
      await using client = await connectClient(url);
      const listed = await client.listServices();
      expect(listed.find((s) => s.serviceId === silent.document.service_id)).toMatchObject({
        state: 'offline',
        discovery: { timestamp: silent.document.timestamp },
      });
    } finally {
      await silent.clear();
    }
  });

  it('does not refuse a service it has never seen; its timeout says no API key was sent', async () => {
    await using client = await connectClient(url, { watchServices: true, timeoutMs: 300 });
    const error = await errorOf(client.callTool(uniqueServiceId('never'), 'echo'));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ method: 'tools/call', withoutApiKey: true });
    expect(error.message).toContain('no API key was sent');

    await using keyed = await connectClient(url, { apiKey: 'some-key-0001', timeoutMs: 300 });
    const keyedError = await errorOf(keyed.callTool(uniqueServiceId('never'), 'echo'));
    expect(keyedError).toMatchObject({ withoutApiKey: false });
    expect(keyedError.message).not.toContain('API key');
  });

  it('emits every heartbeat of a watched service', async () => {
    const serviceId = uniqueServiceId('beats');
    await using client = await connectClient(url);
    const beats: number[] = [];
    client.on('heartbeat', (status, beat) => {
      if (status.serviceId === serviceId) beats.push(beat.uptime);
    });
    await client.watchServices();
    await using _service = await startService(exampleService, {
      url,
      env: { MCP_SERVICE_ID: serviceId, HEARTBEAT_INTERVAL: '1' },
    });
    await waitFor(() => beats.length >= 2, 10_000, 'two heartbeats');
    expect(client.service(serviceId)).toMatchObject({ state: 'up', heartbeat: { service_id: serviceId } });
  });
});
