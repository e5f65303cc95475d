/**
 * Dispatch of REST requests the way aiohttp and HomeAssistantView do it: routing first (404, 405
 * as text), then the bearer token (401 "401: Unauthorized"), then the view; an exception a view
 * does not turn into a response is a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../runtime.js';
import { apiRoutes } from './api.js';
import {
  compile,
  HttpError,
  type Route,
  readBody,
  sendHttpError,
  sendInternalError,
  sendText,
} from './http.js';
import { recordedRoutes } from './recorded.js';

type Compiled = Route & { re: RegExp };

export function createRestHandler(runtime: Runtime, log: (line: string) => void) {
  const routes: Compiled[] = [...apiRoutes(runtime), ...recordedRoutes(runtime)].map((r) => ({
    ...r,
    re: compile(r.pattern),
  }));

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    let url = new URL('http://simulator/');
    try {
      url = new URL(req.url ?? '/', 'http://simulator');
      if (url.pathname === '/api/websocket') {
        // The WebSocket view without an Upgrade header: aiohttp refuses the handshake.
        throw new HttpError(400, 'No WebSocket UPGRADE hdr: None\n Can "Upgrade" only to "WebSocket".');
      }
      let pathMatched = false;
      let route: Compiled | undefined;
      let match: RegExpExecArray | null = null;
      for (const r of routes) {
        const m = r.re.exec(url.pathname);
        if (!m) continue;
        pathMatched = true;
        if (r.method === method) {
          route = r;
          match = m;
          break;
        }
      }
      if (!route || !match) throw new HttpError(pathMatched ? 405 : 404);
      runtime.observations.countRest(`${method} ${route.pattern}`, `${method} ${url.pathname}`);
      const auth = req.headers.authorization ?? '';
      const space = auth.indexOf(' ');
      const authorized =
        space > 0 && auth.slice(0, space) === 'Bearer' && runtime.checkToken(auth.slice(space + 1));
      if (!authorized) throw new HttpError(401);
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(match.groups ?? {})) {
        try {
          params[key] = decodeURIComponent(value);
        } catch {
          throw new HttpError(400);
        }
      }
      if (!route.ownLatency) await runtime.delay();
      await route.handler({ req, res, params, query: url.searchParams, body: () => readBody(req) });
    } catch (err) {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return sendHttpError(res, err);
      log(`error handling ${method} ${url.pathname}: ${err instanceof Error ? err.message : String(err)}`);
      sendInternalError(res);
    }
  };
}

/** Anything outside /api: the frontend is not simulated. */
export const notFound = (res: ServerResponse) => sendText(res, 404, '404: Not Found');
