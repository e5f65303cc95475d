import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, type Logger } from '@neurhomia/mcp-mqtt-core';
import type { Catalog } from '../catalog.js';
import type { Dashboard } from '../dashboard/routes.js';
import type { McpEndpoint } from '../mcp/endpoint.js';
import type { Metrics } from '../metrics.js';
import type { SeedApi } from '../rest/api.js';
import type { StatusReporter } from '../rest/status.js';
import { type Caller, callerFor, callerOf, refusedKey } from './caller.js';
import { applyCors, checkRequestOrigin, type OriginPolicy } from './guard.js';
import { HttpError, sendHttpError, sendJson } from './respond.js';

export interface RouterDeps {
  mcp: McpEndpoint;
  api: SeedApi;
  status: StatusReporter;
  dashboard: Dashboard;
  catalog: Catalog;
  metrics: Metrics;
  logger: Logger;
  policy: OriginPolicy;
  defaultKey: string | undefined;
  /** Updates the gauges read at scrape time. */
  beforeScrape: () => void;
}

/**
 * - `none`: no key (health, metrics, the page itself);
 * - `caller`: the key goes to the services, which decide;
 * - `verified`: answered only to a key at least one live service accepts (401 otherwise).
 */
type Access = 'none' | 'caller' | 'verified';
interface Route {
  access: Access;
  /** How errors are answered: JSON-RPC in MCP's codes, or seed 002's `{error}`. */
  style: 'mcp' | 'http';
  handle: (req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<void> | void;
}

export function createRouter(deps: RouterDeps) {
  const { api, dashboard, status } = deps;
  const routes: Record<string, Route> = {
    'GET /health': {
      access: 'none',
      style: 'http',
      handle: async (_req, res) => {
        const { httpStatus, body } = await status.health();
        sendJson(res, httpStatus, body);
      },
    },
    'GET /metrics': {
      access: 'none',
      style: 'http',
      handle: async (_req, res) => {
        deps.beforeScrape();
        const text = await deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(text);
      },
    },
    'POST /mcp/initialize': { access: 'caller', style: 'http', handle: (q, s, c) => api.initialize(q, s, c) },
    'POST /mcp/tools/list': { access: 'caller', style: 'http', handle: (q, s, c) => api.toolsList(q, s, c) },
    'POST /mcp/tools/call': { access: 'caller', style: 'http', handle: (q, s, c) => api.toolsCall(q, s, c) },
    'GET /mcp/status': {
      access: 'verified',
      style: 'http',
      handle: async (_req, res, caller) => sendJson(res, 200, await status.status(caller)),
    },
    'GET /api/services': {
      access: 'verified',
      style: 'http',
      handle: (_q, s, c) => dashboard.services(s, c),
    },
    'GET /api/messages': {
      access: 'verified',
      style: 'http',
      handle: (q, s, c) => dashboard.messages(q, s, c),
    },
    'GET /api/stream': { access: 'verified', style: 'http', handle: (_q, s, c) => dashboard.stream(s, c) },
  };
  const mcpRoute: Route = { access: 'caller', style: 'mcp', handle: (q, s, c) => deps.mcp.handle(q, s, c) };

  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = path === '/mcp' ? mcpRoute : routes[`${req.method} ${path}`];
    const label = route || path === '/mcp' ? path : 'other';
    res.once('finish', () => deps.metrics.httpRequests.inc({ route: label, status: res.statusCode }));
    try {
      const corsOrigin = checkRequestOrigin(req, deps.policy);
      if (corsOrigin && applyCors(req, res, corsOrigin)) return;
      if (!route) {
        if (req.method === 'GET' && dashboard.asset(path, res)) return;
        throw new HttpError(404, `Not found: ${req.method} ${path.slice(0, 100)}`, {
          code: ErrorCode.MethodNotFound,
        });
      }
      const caller = route.access === 'none' ? callerFor(undefined) : callerOf(req, deps.defaultKey);
      if (route.access === 'verified' && (await deps.catalog.verdict(caller)) === 'refused')
        throw refusedKey(caller);
      await route.handle(req, res, caller);
    } catch (err) {
      if (err instanceof HttpError) {
        sendHttpError(res, err, route?.style ?? 'http');
        return;
      }
      deps.logger.error({ err, path, method: req.method }, 'request failed');
      if (!res.headersSent) {
        sendHttpError(
          res,
          new HttpError(500, 'Internal error', { code: ErrorCode.InternalError }),
          route?.style ?? 'http',
        );
      } else res.destroy();
    }
  };
}
