/**
 * The comparison point: the official MCP SDK's McpServer over Streamable HTTP, stateless, on
 * node:http. As in the SDK's stateless example (simpleStatelessStreamableHttp), every POST gets a
 * new server and transport (sessionIdGenerator: undefined); GET and DELETE answer 405.
 *
 *   node --import tsx bench/sdk-http-server.ts      # prints "ready <port>"
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

function buildServer(): McpServer {
  const server = new McpServer({ name: 'bench-sdk-http', version: '0.1.0' });
  server.registerTool(
    'echo',
    { description: 'Returns the message it is given.', inputSchema: { message: z.string().max(10_000) } },
    async ({ message }) => ({
      content: [{ type: 'text', text: JSON.stringify({ message }) }],
      structuredContent: { message },
    }),
  );
  return server;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

function methodNotAllowed(res: ServerResponse) {
  res.writeHead(405, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }),
  );
}

const http = createServer(async (req, res) => {
  if (req.url !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  if (req.method !== 'POST') {
    methodNotAllowed(res);
    return;
  }
  const server = buildServer();
  try {
    const body: unknown = JSON.parse(await readBody(req));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  } catch (error) {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32603, message: `Internal server error: ${(error as Error).message}` },
          id: null,
        }),
      );
    }
  }
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  http.closeAllConnections();
  http.close(() => process.exit(0));
});
