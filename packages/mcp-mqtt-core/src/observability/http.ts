import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { HealthReport } from '../service/health.js';

/**
 * `/health` (200 while connected and answering, else 503) and `/metrics` (Prometheus text).
 * Started only when HTTP_PORT is set. Upstream trouble shows in the body, not in the status:
 * a container is unhealthy only when it cannot serve requests at all.
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  health: () => HealthReport;
  registry: Registry;
  logger: Logger;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/health') {
      const report = options.health();
      res.writeHead(report.status === 'unhealthy' ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report));
      return;
    }
    if (url === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (err: unknown) => {
          options.logger.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
