import { describe, expect, it } from 'vitest';
import { exampleService } from '../../src/example/service.js';
import { silentLogger } from '../../src/observability/logger.js';
import { serviceTopics } from '../../src/protocol/topics.js';
import { ServiceRuntime } from '../../src/service/runtime.js';
import { MosquittoContainer } from '../../src/testing/index.js';
import { collect, rawClient, waitFor } from './helpers.js';

const CONFIG = `listener 1883
allow_anonymous false
password_file /mosquitto/config/passwd
acl_file /mosquitto/config/acl
set_tcp_nodelay true
log_dest stderr
`;

describe('a service the broker does not know yet', () => {
  it('keeps retrying a refused login and announces once the broker learns its user', async () => {
    await using broker = await new MosquittoContainer()
      .withConfig(CONFIG)
      .withCopyContentToContainer([
        { content: '', target: '/mosquitto/config/passwd', mode: 0o644 },
        {
          content:
            'user observer\ntopic read mcp/#\n\npattern readwrite mcp/%u/#\npattern read mcp/system/discovery\n',
          target: '/mosquitto/config/acl',
          mode: 0o644,
        },
      ])
      .start();
    const url = broker.getConnectionString();
    const runtime = await ServiceRuntime.create(exampleService, {
      env: { MQTT_URL: url, MQTT_USERNAME: 'late', MQTT_PASSWORD: 'late-password', MCP_SERVICE_ID: 'late' },
      logger: silentLogger(),
    });
    const started = runtime.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500)); // refused at least once meanwhile
      expect(runtime.health().dependencies.mqtt).toBe('down');

      // As secrets-init + run-broker.sh do on a running stack: add the user, reload the broker.
      for (const [user, password] of [
        ['late', 'late-password'],
        ['observer', 'observer-password'],
      ]) {
        const { exitCode } = await broker.exec([
          'mosquitto_passwd',
          '-b',
          '/mosquitto/config/passwd',
          user!,
          password!,
        ]);
        expect(exitCode).toBe(0);
      }
      await broker.exec(['sh', '-c', 'kill -HUP 1']);

      await using observer = await rawClient(url, { username: 'observer', password: 'observer-password' });
      const discovery = await collect(observer, serviceTopics('late').discovery);
      await Promise.race([
        started,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('the service never announced')), 10_000),
        ),
      ]);
      await waitFor(() => discovery.some((m) => JSON.parse(m.payload).status === 'ready'), 10_000, 'ready');
      expect(runtime.health().dependencies.mqtt).toBe('ok');
    } finally {
      await runtime.stop();
      await started.catch(() => {});
    }
  });
});
