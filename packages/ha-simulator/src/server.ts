/**
 * The HTTP server: REST under /api/, the WebSocket API at /api/websocket (the `ws` package: Node
 * has a WebSocket client but no server), and the failure switch. "Down" has two flavours: `refuse`
 * stops listening and drops every connection (a stopped Home Assistant: connection refused), and
 * `bad-gateway` keeps the port but answers 502 to everything, WebSocket upgrades included (a
 * reverse proxy in front of a stopped Home Assistant).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { createRestHandler, notFound } from './rest/router.js';
import type { Runtime } from './runtime.js';
import { WsConnection } from './websocket/connection.js';

export type DownMode = 'refuse' | 'bad-gateway';

const MAX_WS_MESSAGE_BYTES = 4 * 1024 * 1024; // aiohttp's default max_msg_size
const MAX_WS_CONNECTIONS = 512;

const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export class SimulatorServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  private readonly sockets = new Set<Socket>();
  private readonly connections = new Set<WsConnection>();
  private down: DownMode | null = null;
  private port = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly host: string,
    private readonly log: (line: string) => void,
  ) {
    const rest = createRestHandler(runtime, log);
    this.http = createServer((req, res) => {
      if (this.down === 'bad-gateway') {
        res.writeHead(502, {
          'Content-Type': 'text/html',
          'Content-Length': Buffer.byteLength(BAD_GATEWAY_HTML),
        });
        return res.end(BAD_GATEWAY_HTML);
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      // A request that fails past every handler only loses its own connection.
      if (path === '/api' || path.startsWith('/api/')) return void rest(req, res).catch(() => res.destroy());
      notFound(res);
    });
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.http.on('upgrade', (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      const path = (req.url ?? '/').split('?')[0];
      if (
        this.down === 'bad-gateway' ||
        path !== '/api/websocket' ||
        this.connections.size >= MAX_WS_CONNECTIONS
      ) {
        const status =
          this.down === 'bad-gateway'
            ? '502 Bad Gateway'
            : path !== '/api/websocket'
              ? '404 Not Found'
              : '503 Service Unavailable';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const connection = new WsConnection(ws, this.runtime, {
          log: (line) => this.log(`websocket: ${line}`),
          onClose: (c) => this.connections.delete(c),
        });
        this.connections.add(connection);
      });
    });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.http.once('error', onError);
      this.http.listen(port, this.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    return this.port;
  }

  get isDown(): DownMode | null {
    return this.down;
  }

  /** Flip the failure switch; coming back up listens on the same port again. */
  async setDown(down: boolean, mode: DownMode = 'refuse'): Promise<void> {
    if (!down) {
      const was = this.down;
      this.down = null;
      if (was === 'refuse') await this.listen(this.port);
      return;
    }
    if (this.down) await this.setDown(false);
    this.down = mode;
    if (mode === 'bad-gateway') {
      for (const c of [...this.connections]) c.close(1001);
      return;
    }
    for (const c of [...this.connections]) c.terminate();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Open WebSocket sessions. */
  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const c of [...this.connections]) c.close(1001);
    this.wss.close();
    if (this.down === 'refuse') return;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
