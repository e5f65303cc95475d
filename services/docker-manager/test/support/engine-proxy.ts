import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** The real engine's socket, where the tests' own dockerode talks to (DOCKER_HOST unix:// or the default). */
export const ENGINE_SOCKET = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';

/**
 * A byte-for-byte forwarder in front of the real engine's socket, listening on a unix socket or
 * a 127.0.0.1 TCP port. `cut()` closes it and every connection through it — to the service the
 * engine is gone, exactly as when it stops — and `restore()` opens it again at the same address.
 * The engine itself is never touched (it is shared with everything else on the machine).
 */
export class EngineProxy implements AsyncDisposable {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  private constructor(private readonly socketPath: string | undefined) {}

  static async unix(socketPath: string) {
    const proxy = new EngineProxy(socketPath);
    await proxy.restore();
    return proxy;
  }

  static async tcp() {
    const proxy = new EngineProxy(undefined);
    await proxy.restore();
    return proxy;
  }

  /** DOCKER_HOST for the service. */
  get dockerHost(): string {
    return this.socketPath ? `unix://${this.socketPath}` : `tcp://127.0.0.1:${this.port}`;
  }

  async restore() {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = connect(ENGINE_SOCKET);
      this.sockets.add(client).add(upstream);
      const forget = () => {
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', forget).on('close', forget);
      upstream.on('error', forget).on('close', forget);
      client.pipe(upstream).pipe(client);
    });
    if (this.socketPath) rmSync(this.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (this.socketPath) server.listen(this.socketPath, resolve);
      else server.listen(this.port, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (typeof address === 'object' && address) this.port = address.port;
    this.server = server;
  }

  async cut() {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async [Symbol.asyncDispose]() {
    await this.cut();
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}
