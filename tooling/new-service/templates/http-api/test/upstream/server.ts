/**
 * A local stand-in for the upstream API, for the tests and for `pnpm upstream`: it serves the
 * bodies of ../fixtures (sources in ../fixtures/SOURCES.md) at the upstream's paths, with its
 * status codes. Zero dependencies and only erasable TypeScript: `node test/upstream/server.ts`
 * runs it as is (PORT, default 8080; UPSTREAM_API_KEY, when it should want a key).
 *
 *   GET /items/{id}  200 the item, 404 {"error": …}; 401 without `Authorization: Bearer <key>`
 *   GET /health      200 (not the upstream's: for containers and scripts)
 *
 * Test controls: `mode(…)` makes every request fail the way a real upstream does (`down`: the
 * connection is dropped; `unavailable`: 503; `rate-limited`: 429 with Retry-After; `garbage`: 200
 * with HTML; `slow`: answers after 3 s); `requests` lists the paths asked.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';

export type Mode = 'normal' | 'down' | 'unavailable' | 'rate-limited' | 'garbage' | 'slow';
export type Upstream = {
  url: string;
  requests: string[];
  mode(mode: Mode): void;
  close(): Promise<void>;
};

const items = JSON.parse(readFileSync(new URL('../fixtures/items.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export async function startUpstream(
  options: { port?: number; host?: string; apiKey?: string | undefined } = {},
): Promise<Upstream> {
  let mode: Mode = 'normal';
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/health') return send(res, 200, { status: 'ok' });
    requests.push(path);
    if (mode === 'down') return req.socket.destroy();
    if (mode === 'unavailable') return send(res, 503, { error: 'service unavailable' });
    if (mode === 'rate-limited')
      return send(res, 429, { error: 'too many requests' }, { 'retry-after': '30' });
    if (mode === 'garbage')
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops</html>');
    const answer = () => {
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`)
        return send(res, 401, { error: 'invalid API key' });
      const match = /^\/items\/([^/]+)$/.exec(path);
      if (req.method !== 'GET' || !match) return send(res, 404, { error: `no route ${req.method} ${path}` });
      const id = decodeURIComponent(match[1]!);
      const item = items[id];
      return item ? send(res, 200, item) : send(res, 404, { error: `no item ${id}` });
    };
    if (mode === 'slow') setTimeout(answer, 3_000);
    else answer();
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    mode: (next) => {
      mode = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `node test/upstream/server.ts` (or `pnpm upstream`): on every interface, for containers too.
if (import.meta.main) {
  const port = Number(process.env.PORT ?? 8080);
  await startUpstream({ port, host: '0.0.0.0', apiKey: process.env.UPSTREAM_API_KEY });
  console.log(`{{id}} upstream on :${port}: GET /items/{id} (${Object.keys(items).join(', ')})`);
}
