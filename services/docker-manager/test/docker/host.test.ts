import { describe, expect, it } from 'vitest';
import { describeHost, dockerodeOptions, parseDockerHost } from '../../src/docker/host.js';

describe('DOCKER_HOST', () => {
  it('reads the forms the docker CLI and docker-modem accept', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
    expect(parseDockerHost('unix://')).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('tcp://10.0.0.5:2375')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 2375 });
    expect(parseDockerHost('engine.lan:2376')).toEqual({ kind: 'tcp', host: 'engine.lan', port: 2376 });
    expect(parseDockerHost('tcp://[fd00::5]:2375')).toEqual({ kind: 'tcp', host: 'fd00::5', port: 2375 });
    expect(parseDockerHost('ssh://ops@nas.lan')).toEqual({
      kind: 'ssh',
      host: 'nas.lan',
      port: 22,
      username: 'ops',
    });
    expect(parseDockerHost('ssh://nas.lan:2222')).toEqual({
      kind: 'ssh',
      host: 'nas.lan',
      port: 2222,
      username: undefined,
    });
  });

  it('refuses what would be misread, saying why', () => {
    expect(() => parseDockerHost('unix://relative.sock')).toThrow(/absolute socket path/);
    expect(() => parseDockerHost('ftp://engine')).toThrow(/unsupported scheme ftp/);
    expect(() => parseDockerHost('ssh://ops:secret@nas')).toThrow(/no password/);
    expect(() => parseDockerHost('tcp://engine:2375/path')).toThrow(/no path/);
    expect(() => parseDockerHost('tcp://')).toThrow();
  });

  it('names the engine without credentials', () => {
    expect(describeHost(parseDockerHost('ssh://ops@nas.lan'))).toBe('ssh://ops@nas.lan:22');
    expect(describeHost(parseDockerHost('tcp://[fd00::5]:2375'))).toBe('tcp://[fd00::5]:2375');
  });
});

describe("dockerode's options", () => {
  const settings = { tlsVerify: false, certPath: undefined, sshAuthSock: undefined, timeoutMs: 5_000 };

  it('sets every connection field, so that process.env cannot mix in (docker-modem merges over it)', () => {
    const unix = dockerodeOptions({ ...settings, host: parseDockerHost('unix:///run/engine.sock') });
    expect(unix).toMatchObject({
      socketPath: '/run/engine.sock',
      host: undefined,
      port: undefined,
      protocol: undefined,
    });
    expect(Object.keys(unix)).toEqual(
      expect.arrayContaining(['host', 'port', 'protocol', 'ca', 'cert', 'key']),
    );
  });

  it('speaks https on 2376 or with DOCKER_TLS_VERIFY, http otherwise; ssh with the agent', () => {
    expect(dockerodeOptions({ ...settings, host: parseDockerHost('tcp://e:2375') }).protocol).toBe('http');
    expect(dockerodeOptions({ ...settings, host: parseDockerHost('tcp://e:2376') }).protocol).toBe('https');
    expect(
      dockerodeOptions({ ...settings, tlsVerify: true, host: parseDockerHost('tcp://e:2375') }).protocol,
    ).toBe('https');
    expect(
      dockerodeOptions({
        ...settings,
        sshAuthSock: '/run/agent.sock',
        host: parseDockerHost('ssh://ops@nas'),
      }),
    ).toMatchObject({
      protocol: 'ssh',
      host: 'nas',
      port: 22,
      username: 'ops',
      sshOptions: { agent: '/run/agent.sock' },
    });
  });
});
