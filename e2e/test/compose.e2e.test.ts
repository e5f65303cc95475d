import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeProject } from '../src/compose.js';
import { REPO_ROOT, run } from '../src/images.js';
import { stackServiceIds } from '../src/provided.js';
import { plaintextSecrets } from '../src/secrets.js';

/**
 * `docker compose up --wait` of the real home stack (compose/compose.yaml), with the weather
 * service pointed at the recorded-response server, then calls through the stack's own CLI and
 * checks of what each container may see and do.
 */
const project = composeProject();
const { compose } = project;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** docker-manager's other mount (services/docker-manager/compose.yaml). */
const ENGINE_SOCKET_MOUNT = expect.objectContaining({ Type: 'bind', Destination: '/var/run/docker.sock' });
/** `docker compose run --rm -T …`: a one-off container, removed when it ends. */
const runOnce = (...args: string[]) => compose(['run', '--rm', '-T', ...args]);
/** A shell script run inside a service's running container (`docker compose exec`). */
const shellIn = (service: string, script: string, input?: string, user?: string) =>
  compose(
    ['exec', '-T', ...(user ? ['--user', user] : []), service, 'sh', '-c', script],
    input === undefined ? {} : { input },
  );

beforeAll(async () => {
  await compose(['up', '-d', '--wait']);
}, 300_000);

afterAll(async () => {
  // --profile replaces COMPOSE_PROFILES: name every profile the run used, or its containers stay.
  await compose(['--profile', 'cli', '--profile', 'demo', 'down', '-v', '--remove-orphans']).catch(() => {});
}, 120_000);

describe('the compose home stack', () => {
  it('reports every long-running container healthy: the broker, every service of services/, the demo', async () => {
    const services = stackServiceIds();
    expect(services).toEqual(expect.arrayContaining(['docker-manager', 'gateway', 'ha-bridge', 'weather']));
    const byService = Object.fromEntries(
      (await project.containers()).map((c) => [c.Config.Labels['com.docker.compose.service'], c]),
    );
    const { stdout } = await compose(['ps', '--format', '{{.Service}} {{.Status}}']);
    for (const name of ['mosquitto', ...services, 'ha-simulator']) {
      expect(byService[name]?.State.Status, name).toBe('running');
      expect(stdout).toMatch(new RegExp(`^${name} .*\\(healthy\\)$`, 'm'));
    }
  });

  it("lists the stack's containers through docker-manager, and refuses to stop its broker", async () => {
    const call = (...args: string[]) => runOnce('cli', 'call', 'docker-manager', ...args);
    const { stdout } = await call(
      'list_containers',
      `filters={"compose_project":"${project.name}"}`,
      '--json',
    );
    const listed = JSON.parse(stdout) as {
      structuredContent: { containers: Array<{ compose_service: string; protected?: string }> };
    };
    const byService = Object.fromEntries(
      listed.structuredContent.containers.map((c) => [c.compose_service, c]),
    );
    expect(Object.keys(byService)).toEqual(
      expect.arrayContaining(['mosquitto', 'weather', 'docker-manager']),
    );
    expect(byService.mosquitto?.protected).toContain('MQTT broker');
    expect(byService['docker-manager']?.protected).toContain('own container');

    const broker = await project.container('mosquitto');
    const refused = await call('stop_container', `id=${broker.Id}`).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/-32002[\s\S]*protected/);
    expect((await project.container('mosquitto')).State.Status).toBe('running');
  });

  it('answers ha-bridge from the demo profile with no Home Assistant configuration', async () => {
    const { stdout } = await runOnce('cli', 'call', 'ha-bridge', 'get_entities', 'domain=light', '--json');
    const result = JSON.parse(stdout) as {
      isError: boolean;
      structuredContent: { entities: { entity_id: string }[] };
    };
    expect(result.isError).toBe(false);
    expect(result.structuredContent.entities.map((e) => e.entity_id)).toContain('light.kitchen');
  });

  it("gives the demo simulator the bridge's demo token and no other secret", async () => {
    const files = await project.allSecrets();
    const simulator = await project.container('ha-simulator');
    expect(simulator.Mounts).toEqual([
      expect.objectContaining({
        Name: `${project.name}_ha-simulator-secrets`,
        Destination: '/run/secrets/ha',
        RW: false,
      }),
    ]);
    const { stdout } = await compose(['exec', '-T', 'ha-simulator', 'cat', '/run/secrets/ha/token']);
    expect(stdout.trim()).toBe(files.get('services/ha-bridge/ha-demo-token')?.trim());
    expect(stdout.trim()).toMatch(/^[0-9a-f]{48}$/);
  });

  it('answers a weather call through the stack CLI', async () => {
    const { stdout } = await runOnce(
      'cli',
      'call',
      'weather',
      'get_current_weather',
      'location=Berlin',
      '--json',
    );
    const result = JSON.parse(stdout) as {
      isError: boolean;
      structuredContent: { location: { name: string }; provider: string };
    };
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toMatchObject({ location: { name: 'Berlin' }, provider: 'open-meteo' });
  });

  it('lists every MCP service of the stack as ready through the CLI', async () => {
    // The services secrets-init made a service user for (the gateway is a client: not among them).
    const files = await project.allSecrets();
    const services = [
      ...new Set([...files.keys()].filter((p) => p.startsWith('services/')).map((p) => p.split('/')[1]!)),
    ];
    expect(services).toEqual(expect.arrayContaining(['docker-manager', 'ha-bridge', 'weather']));
    const { stdout } = await runOnce('cli', 'services', '--json');
    expect(JSON.parse(stdout)).toEqual(
      expect.arrayContaining(
        services.map((id) => expect.objectContaining({ service_id: id, status: 'ready' })),
      ),
    );
  });

  it("lists every service's tools through the gateway, with the key host-env.sh prints", async () => {
    const { stdout } = await run('sh', ['compose/host-env.sh', 'gateway'], {
      env: project.env,
      cwd: REPO_ROOT,
    });
    const exported = Object.fromEntries(
      [...stdout.matchAll(/^export (\w+)='?([^'\n]*)'?$/gm)].map((m) => [m[1], m[2]] as [string, string]),
    );
    expect(exported.MQTT_USERNAME).toBe('gateway');
    expect(exported.MCP_GATEWAY_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const response = await fetch(`${exported.MCP_GATEWAY_URL}/tools/list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${exported.MCP_API_KEY}` },
    });
    expect(response.status).toBe(200);
    const { tools } = (await response.json()) as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['weather__get_current_weather', 'docker-manager__list_containers']),
    );
  });
});

describe('secrets of the compose stack', () => {
  it('gives each service container its own password, share group and key digests, and nothing else', async () => {
    const files = await project.allSecrets();
    const secrets = plaintextSecrets(files);
    const services = [
      ...new Set([...files.keys()].filter((p) => p.startsWith('services/')).map((p) => p.split('/')[1]!)),
    ];
    expect(services).toContain('weather');
    for (const id of services) {
      const own = `services/${id}/`;
      const container = await project.container(id);
      // One volume: the service's own copy, read-only. The stack's volume is not mounted. (And
      // for docker-manager, the engine's socket.)
      const engineSocket = id === 'docker-manager' ? [ENGINE_SOCKET_MOUNT] : [];
      expect(container.Mounts).toHaveLength(1 + engineSocket.length);
      expect(container.Mounts).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Type: 'volume',
            Name: `${project.name}_${id}-secrets`,
            Destination: '/run/secrets/mcp',
            RW: false,
          }),
          ...engineSocket,
        ]),
      );
      const listed = await compose(['exec', '-T', id, 'ls', '-A', '/run/secrets/mcp']);
      const expected = [...files.keys()].filter((p) => p.startsWith(own)).map((p) => p.slice(own.length));
      expect(listed.stdout.split('\n').filter(Boolean).sort()).toEqual(expected.sort());
      expect(expected).toEqual(expect.arrayContaining(['mqtt.password', 'share-group', 'api-keys']));
      // Key digests with their owner, never a key.
      for (const line of files.get(`${own}api-keys`)!.trim().split('\n'))
        expect(line).toMatch(/^[A-Za-z0-9_.-]+:sha256:[0-9a-f]{64}=\S+$/);

      // Every secret of someone else, searched for in the container's whole filesystem and
      // environment: found nowhere. Its own password is found (the search works).
      const foreign = secrets.filter((s) => !s.path.startsWith(own));
      expect(foreign.map((s) => s.path)).toEqual(
        expect.arrayContaining([
          'clients/cli/mqtt.password',
          'clients/cli/api.key',
          'broker/healthcheck.password',
          'tls/ca.key',
        ]),
      );
      // As the user the service runs as (node): it can read what the service can. (docker-manager's
      // container user is root without capabilities, which cannot read node's 0400 files.)
      const search = (values: string[]) =>
        shellIn(
          id,
          'grep -rlF -f /dev/stdin / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null || true',
          `${values.join('\n')}\n`,
          'node',
        ).then((r) => r.stdout.trim());
      expect(await search(foreign.map((s) => s.value))).toBe('');
      expect(await search([files.get(`${own}mqtt.password`)!.trim()])).toBe('/run/secrets/mcp/mqtt.password');
      for (const s of secrets) expect(container.Config.Env.join('\n')).not.toContain(s.value);
    }
  });

  it('gives the gateway its own credentials only, and the services the relay list', async () => {
    const { stdout } = await compose(['exec', '-T', 'gateway', 'ls', '-A', '/run/secrets/mcp']);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['api.key', 'ca.crt', 'mqtt.password']);
    const files = await project.allSecrets();
    for (const id of ['weather', 'docker-manager'])
      expect(files.get(`services/${id}/relay-clients`)?.trim()).toBe('gateway');
  });

  it('gives the CLI container the cli credentials only', async () => {
    const { stdout } = await runOnce('--no-deps', '--entrypoint', 'ls', 'cli', '-A', '/run/secrets/mcp');
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['api.key', 'ca.crt', 'mqtt.password']);
  });

  it('keeps the broker from reading anything but its own files', async () => {
    const { stdout } = await shellIn(
      'mosquitto',
      'cd /run/secrets/mcp && for f in clients/cli/api.key services/weather/mqtt.password tls/ca.key broker/acl; do ' +
        'if cat "$f" >/dev/null 2>&1; then echo "readable $f"; else echo "denied $f"; fi; done',
    );
    expect(stdout.trim().split('\n')).toEqual([
      'denied clients/cli/api.key',
      'denied services/weather/mqtt.password',
      'denied tls/ca.key',
      'readable broker/acl',
    ]);
  });
});

describe('containers of the compose stack', () => {
  it('runs the broker as its own user under an init, read-only, without capabilities, memory-capped', async () => {
    const broker = await project.container('mosquitto');
    expect(broker.Config.User).toBe('mosquitto');
    expect(broker.HostConfig).toMatchObject({
      Init: true,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      Memory: 256 * 1024 * 1024,
    });
    expect(broker.HostConfig.CapAdd ?? []).toEqual([]);
    expect(broker.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    const { stdout } = await shellIn(
      'mosquitto',
      'tr "\\0" " " </proc/1/cmdline; echo; grep CapEff /proc/1/status; ' +
        'for s in /proc/[0-9]*/status; do awk \'/^Uid:/ { print $2 }\' "$s"; done | sort -u',
    );
    const [pid1, capEff, ...uids] = stdout.trim().split('\n');
    expect(pid1).toMatch(/^\/sbin\/docker-init -- /);
    expect(capEff).toMatch(/^CapEff:\s+0{16}$/);
    expect(uids.length).toBeGreaterThan(0);
    expect(uids).not.toContain('0'); // no process of the container runs as root
    // Published on the loopback interface by default (MOSQUITTO_BIND).
    for (const bindings of Object.values(broker.HostConfig.PortBindings))
      for (const binding of bindings) expect(binding.HostIp).toBe('127.0.0.1');
  });

  it('starts every container of the stack with an init process', async () => {
    const containers = await project.containers();
    expect(containers.map((c) => c.Config.Labels['com.docker.compose.service']).sort()).toEqual(
      expect.arrayContaining([
        'gateway',
        'gateway-secrets',
        'mosquitto',
        'secrets-init',
        'tls-init',
        'weather',
        'weather-secrets',
        'weather-upstream',
        'ha-bridge',
        'ha-bridge-secrets',
        'ha-simulator',
        'ha-simulator-secrets',
        'docker-manager',
        'docker-manager-secrets',
      ]),
    );
    for (const c of containers)
      expect({ name: c.Name, init: c.HostConfig.Init }).toEqual({ name: c.Name, init: true });
  });

  it('ends the cli container when `docker compose run --rm cli watch` gets SIGTERM at a terminal', async () => {
    // As `timeout 12 docker compose run --rm cli watch` typed in a terminal: `script` gives the
    // command a pseudo-terminal, and the signal goes to its whole process group. (Without a
    // terminal, Compose 2.26 sometimes cancels itself instead of forwarding the signal, leaving
    // the container running whatever it runs: see compose/README.md.)
    const command = ['exec', 'docker', ...project.argv(['run', '--rm', 'cli', 'watch'])].join(' ');
    const terminal = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...project.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    terminal.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => terminal.once('exit', resolve));
    const cliContainers = async () =>
      (await project.containers()).filter((c) => c.Config.Labels['com.docker.compose.service'] === 'cli');
    const deadline = Date.now() + 60_000;
    while (!/\bup\b[^\n]*\bweather\b/.test(output) && Date.now() < deadline) await sleep(200);
    expect(output).toMatch(/\bup\b[^\n]*\bweather\b/); // watch printed the service: the container runs
    const running = await cliContainers();
    expect(running.map((c) => c.HostConfig.Init)).toEqual([true]);

    // `docker` runs as script's child, leader of the terminal's session and process group.
    const { stdout } = await run('pgrep', ['-P', String(terminal.pid)]);
    process.kill(-Number(stdout.trim().split('\n')[0]), 'SIGTERM');
    await exited;
    const gone = Date.now() + 15_000;
    while ((await cliContainers()).length > 0 && Date.now() < gone) await sleep(500);
    expect(await cliContainers()).toEqual([]);
    await run('docker', ['rm', '-f', ...running.map((c) => c.Id)]).catch(() => {});
  });
});
