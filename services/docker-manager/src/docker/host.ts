import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';

/** Where the engine is, from DOCKER_HOST (the syntax of the docker CLI and docker-modem). */
export type DockerHost =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'ssh'; host: string; port: number; username: string | undefined };

export function parseDockerHost(text: string): DockerHost {
  const value = text.trim();
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || '/var/run/docker.sock';
    if (!socketPath.startsWith('/')) throw new Error('unix:// needs an absolute socket path');
    return { kind: 'unix', socketPath };
  }
  // "host:2375" without a scheme is tcp, as for the docker CLI.
  const withScheme = value.includes('://') ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error('must be unix:///path, tcp://host:port or ssh://user@host[:port]');
  }
  if (url.hostname === '') throw new Error('needs a host name');
  if (url.password) throw new Error('ssh:// takes no password in the URL: use an agent (SSH_AUTH_SOCK)');
  if (url.pathname !== '' && url.pathname !== '/') throw new Error('takes no path after the host');
  // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    return { kind: 'tcp', host, port: url.port ? Number(url.port) : 2375 };
  }
  if (url.protocol === 'ssh:') {
    return {
      kind: 'ssh',
      host,
      port: url.port ? Number(url.port) : 22,
      username: url.username ? decodeURIComponent(url.username) : undefined,
    };
  }
  throw new Error(`unsupported scheme ${url.protocol.slice(0, -1)} (unix, tcp or ssh)`);
}

/** The engine as people name it in messages and logs (no credentials in it). */
export function describeHost(host: DockerHost): string {
  if (host.kind === 'unix') return `unix://${host.socketPath}`;
  const address = host.host.includes(':') ? `[${host.host}]` : host.host;
  const user = host.kind === 'ssh' && host.username ? `${host.username}@` : '';
  return `${host.kind}://${user}${address}:${host.port}`;
}

export interface ConnectionSettings {
  host: DockerHost;
  tlsVerify: boolean;
  certPath: string | undefined;
  sshAuthSock: string | undefined;
  timeoutMs: number;
}

/**
 * dockerode's options for DOCKER_HOST. Every field is set, even to undefined: docker-modem merges
 * the options over its own reading of process.env, which must not leak in (a tcp DOCKER_HOST in
 * the process environment would otherwise win over a unix socket configured here).
 */
/** docker-modem's options; `connectionTimeout` (ms to connect) is not in @types/dockerode. */
export type ModemOptions = Docker.DockerOptions & { connectionTimeout?: number | undefined };

export function dockerodeOptions(settings: ConnectionSettings): ModemOptions {
  const { host } = settings;
  const base = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    username: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    sshOptions: undefined,
    // Only the connection: a long read (logs, a pull's progress) is bounded by its tool's deadline.
    connectionTimeout: settings.timeoutMs,
  } satisfies ModemOptions;
  if (host.kind === 'unix') return { ...base, socketPath: host.socketPath };
  if (host.kind === 'ssh') {
    return {
      ...base,
      protocol: 'ssh',
      host: host.host,
      port: host.port,
      username: host.username,
      sshOptions: settings.sshAuthSock ? { agent: settings.sshAuthSock } : {},
    };
  }
  const tls = settings.tlsVerify || settings.certPath !== undefined || host.port === 2376;
  if (!tls) return { ...base, protocol: 'http', host: host.host, port: host.port };
  const certs = settings.certPath
    ? {
        ca: readFileSync(join(settings.certPath, 'ca.pem')),
        cert: readFileSync(join(settings.certPath, 'cert.pem')),
        key: readFileSync(join(settings.certPath, 'key.pem')),
      }
    : {};
  return { ...base, protocol: 'https', host: host.host, port: host.port, ...certs };
}
