import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@neurhomia/mcp-mqtt-core';
import type { Metrics } from '../metrics.js';

export interface Session {
  id: string;
  server: Server;
  transport: StreamableHTTPServerTransport;
  /** The SHA-256 of the key that opened it: only that key may use the session. */
  keyDigest: string;
  createdAt: number;
  lastSeen: number;
  /** GET streams open now (the client listens for notifications). */
  streams: number;
}

export interface SessionsOptions {
  createServer: () => Server;
  maxSessions: number;
  idleMs: number;
  logger: Logger;
  metrics: Metrics;
}

/**
 * MCP Streamable HTTP sessions: one SDK `Server` and transport each, created by `initialize`
 * (the SDK issues the Mcp-Session-Id), closed by DELETE, by idleness (no request and no open
 * stream for `idleMs`) or to make room past `maxSessions` (the idlest session without a stream).
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;
  /** Sessions opened since start. */
  total = 0;

  constructor(private readonly options: SessionsOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, options.idleMs / 2)).unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get streams(): number {
    let open = 0;
    for (const session of this.sessions.values()) open += session.streams;
    return open;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** Whether a new session fits, closing the idlest one without a stream when full. */
  makeRoom(): boolean {
    if (this.sessions.size < this.options.maxSessions) return true;
    let idlest: Session | undefined;
    for (const session of this.sessions.values()) {
      if (session.streams === 0 && (!idlest || session.lastSeen < idlest.lastSeen)) idlest = session;
    }
    if (!idlest) return false;
    this.options.logger.info({ session: idlest.id }, 'MCP session closed to make room for a new one');
    void this.close(idlest);
    return true;
  }

  /** Creates a session's server and transport and lets the transport answer the `initialize` request. */
  async open(req: IncomingMessage, res: ServerResponse, body: unknown, keyDigest: string): Promise<void> {
    const server = this.options.createServer();
    let opened: string | undefined;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // Answers as SSE (the SDK's default). Its JSON-response mode keeps one entry per request
      // until the session closes in the 1.x line (typescript-sdk issue #2559): a slow leak of
      // about 5 KB per call in a long session.
      enableJsonResponse: false,
      onsessioninitialized: (id) => {
        opened = id;
        const now = Date.now();
        this.sessions.set(id, {
          id,
          server,
          transport,
          keyDigest,
          createdAt: now,
          lastSeen: now,
          streams: 0,
        });
        this.total += 1;
        this.options.metrics.sessions.set(this.sessions.size);
        this.options.logger.debug({ session: id }, 'MCP session opened');
      },
      onsessionclosed: (id) => this.forget(id),
    });
    transport.onclose = () => {
      if (opened) this.forget(opened);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the transport refused leaves no session behind.
    if (!opened) await server.close().catch(() => {});
  }

  /** A GET stream of the session is open until the response closes. */
  trackStream(session: Session, res: ServerResponse) {
    session.streams += 1;
    res.once('close', () => {
      session.streams -= 1;
      session.lastSeen = Date.now();
    });
  }

  /** Tells every session that the tool (and resource) list changed, with a log line for it. */
  notifyListChanged(resources: boolean, level: LoggingLevel, message: string) {
    for (const session of this.sessions.values()) {
      const { server } = session;
      server.sendToolListChanged().catch(() => {});
      if (resources) server.sendResourceListChanged().catch(() => {});
      server.sendLoggingMessage({ level, logger: 'gateway', data: message }, session.id).catch(() => {});
    }
  }

  private sweep() {
    const limit = Date.now() - this.options.idleMs;
    for (const session of this.sessions.values()) {
      if (session.streams === 0 && session.lastSeen < limit) {
        this.options.logger.debug({ session: session.id }, 'idle MCP session closed');
        void this.close(session);
      }
    }
  }

  private forget(id: string) {
    if (id && this.sessions.delete(id)) this.options.metrics.sessions.set(this.sessions.size);
  }

  private async close(session: Session) {
    this.forget(session.id);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => this.close(session)));
  }
}
