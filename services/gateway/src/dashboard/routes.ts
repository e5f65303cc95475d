import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '@neurhomia/mcp-mqtt-core';
import { Activity, type ActivityRecord } from '../activity.js';
import type { Catalog } from '../catalog.js';
import type { Caller } from '../http/caller.js';
import { HttpError, sendFile, sendJson } from '../http/respond.js';
import type { Registry } from '../mqtt/registry.js';

/** The page, its script and its style: read once, served from memory (no build step). */
const ASSETS = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

/** Dashboard streams open at once; one more is refused (each holds a connection and a listener). */
const MAX_STREAMS = 32;
/** A stream whose reader stopped reading is closed past this much unsent data. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const KEEPALIVE_MS = 15_000;

/**
 * Seed 000's debugging dashboard: a static page (GET /) and its data — the services with the
 * tools the viewer's key may see (GET /api/services), the recent calls, events and service
 * changes (GET /api/messages), and the same live (GET /api/stream, server-sent events read with
 * fetch so that the key travels in the Authorization header, never in a URL).
 */
export class Dashboard {
  private readonly assets = new Map<string, { body: Buffer; type: string }>();
  private streams = 0;

  constructor(
    private readonly deps: {
      registry: Registry;
      catalog: Catalog;
      activity: Activity;
      version: string;
      hasDefaultKey: boolean;
    },
  ) {
    for (const [path, { file, type }] of Object.entries(ASSETS)) {
      this.assets.set(path, { body: readFileSync(new URL(`./assets/${file}`, import.meta.url)), type });
    }
  }

  /** Serves a static asset; false when `path` is not one. */
  asset(path: string, res: ServerResponse): boolean {
    const asset = this.assets.get(path);
    if (!asset) return false;
    sendFile(res, asset.body, asset.type);
    return true;
  }

  async services(res: ServerResponse, caller: Caller) {
    const { registry, catalog } = this.deps;
    const listing = await catalog.tools(caller);
    const byService = new Map(listing.services.map((s) => [s.serviceId, s]));
    sendJson(res, 200, {
      gateway: {
        version: this.deps.version,
        broker: registry.connected ? 'connected' : 'disconnected',
        key_id: caller.keyId,
        default_key: this.deps.hasDefaultKey && !caller.fromRequest,
      },
      services: registry.list().map((entry) => {
        const outcome = byService.get(entry.serviceId);
        return {
          service_id: entry.serviceId,
          name: entry.discovery.name,
          description: entry.discovery.description,
          version: entry.discovery.version,
          status: entry.state,
          since: new Date(entry.since).toISOString(),
          last_heartbeat: entry.lastHeartbeat ? new Date(entry.lastHeartbeat).toISOString() : null,
          heartbeat_interval_s: entry.discovery.heartbeat_interval,
          events: entry.discovery.capabilities.events,
          /** `ok`, `refused` (the key is unknown to it), `failed`, or `unavailable` (not live). */
          access: outcome?.outcome ?? 'unavailable',
          tools: (outcome?.items ?? []).map((tool) => ({
            name: tool.name,
            tool: tool._meta['neurhomia/tool'],
            description: tool.description,
            inputSchema: tool.inputSchema,
            annotations: tool.annotations,
            permissions: tool._meta['neurhomia/permissions'],
          })),
        };
      }),
    });
  }

  messages(req: IncomingMessage, res: ServerResponse, caller: Caller) {
    const limit = Number(new URL(req.url ?? '/', 'http://gateway').searchParams.get('limit') ?? 100);
    const bounded = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 200) : 100;
    sendJson(res, 200, { messages: this.deps.activity.recent(caller.digest, bounded) });
  }

  stream(res: ServerResponse, caller: Caller) {
    if (this.streams >= MAX_STREAMS) {
      throw new HttpError(503, `Service unavailable: ${MAX_STREAMS} dashboard streams are open already`, {
        code: ErrorCode.ServiceUnavailable,
        headers: { 'retry-after': '10' },
      });
    }
    this.streams += 1;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    };
    const onRecord = (record: Parameters<typeof Activity.view>[0]) =>
      send('record', Activity.view(record, caller.digest));
    const onChange = (changes: unknown) => send('services', changes);
    this.deps.activity.on('record', onRecord);
    this.deps.registry.on('change', onChange);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    send('hello', { messages: this.deps.activity.recent(caller.digest, 50) satisfies ActivityRecord[] });
    const close = () => {
      clearInterval(keepalive);
      this.deps.activity.off('record', onRecord);
      this.deps.registry.off('change', onChange);
      this.streams -= 1;
    };
    res.once('close', close);
  }
}
