/**
 * The HTTP control API, for tests that drive the simulator as a container: on its own port, so it
 * answers while the Home Assistant port is down. Not part of Home Assistant's API; bind it where
 * only tests reach it.
 *
 *   GET  /health           {"status":"ok","down":null|"refuse"|"bad-gateway"}
 *   GET  /observations     {calls, counters, maxConcurrentByEntity}
 *   POST /reset            clears observations and injected failures
 *   POST /latency          {"ms": 250}
 *   POST /down             {"down": true, "mode": "refuse"|"bad-gateway"}
 *   POST /token            {"token": "..."} (random when absent) → {"token"}
 *   POST /state            {"entity_id", "state", "attributes"?}
 *   POST /failure          {"domain", "service", "kind"?, "message"?} or with "clear": true
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Runtime } from './runtime.js';
import type { SimulatorServer } from './server.js';

const MAX_CONTROL_BODY = 64 * 1024;

export const LatencySchema = z.object({ ms: z.number().int().min(0).max(600_000) }).strict();
export const DownSchema = z
  .object({ down: z.boolean(), mode: z.enum(['refuse', 'bad-gateway']).optional() })
  .strict();
export const TokenSchema = z.object({ token: z.string().min(8).max(4096).optional() }).strict();
export const StateSchema = z
  .object({
    entity_id: z.string().min(3).max(255),
    state: z.string().max(255),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export const FailureSchema = z
  .object({
    domain: z.string().min(1).max(100),
    service: z.string().min(1).max(100),
    kind: z.enum(['home_assistant_error', 'service_validation_error']).default('home_assistant_error'),
    message: z.string().max(1000).default('Simulated failure'),
    clear: z.boolean().default(false),
  })
  .strict();

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > MAX_CONTROL_BODY) throw new Error(`body larger than ${MAX_CONTROL_BODY} bytes`);
  }
  return text ? JSON.parse(text) : {};
}

export async function startControlServer(
  runtime: Runtime,
  server: SimulatorServer,
  host: string,
  port: number,
) {
  const routes: Record<string, (body: unknown) => unknown | Promise<unknown>> = {
    'GET /health': () => ({ status: 'ok', down: server.isDown }),
    'GET /observations': () => runtime.observations.snapshot(),
    'POST /reset': () => {
      runtime.observations.reset();
      runtime.clearFailures();
      return { ok: true };
    },
    'POST /latency': (body) => {
      runtime.latencyMs = LatencySchema.parse(body).ms;
      return { ok: true };
    },
    'POST /down': async (body) => {
      const { down, mode } = DownSchema.parse(body);
      await server.setDown(down, mode);
      return { ok: true, down: server.isDown };
    },
    'POST /token': (body) => {
      const token = TokenSchema.parse(body).token ?? randomBytes(32).toString('hex');
      runtime.rotateToken(token);
      return { token };
    },
    'POST /state': (body) => {
      const s = StateSchema.parse(body);
      const attributes = s.attributes ?? runtime.hass.states.get(s.entity_id)?.attributes ?? {};
      return runtime.hass.states.set(s.entity_id, s.state, attributes).asDict();
    },
    'POST /failure': (body) => {
      const f = FailureSchema.parse(body);
      runtime.setFailure(f.domain, f.service, f.clear ? null : { kind: f.kind, message: f.message });
      return { ok: true };
    },
  };
  const http = createServer((req, res) => {
    const route = routes[`${req.method} ${(req.url ?? '/').split('?')[0]}`];
    if (!route) return reply(res, 404, { error: 'not found' });
    readJson(req)
      .then((body) => route(body))
      .then((result) => reply(res, 200, result))
      .catch((err: unknown) => {
        const message =
          err instanceof z.ZodError
            ? err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
            : (err as Error).message;
        reply(res, 400, { error: message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  return {
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
