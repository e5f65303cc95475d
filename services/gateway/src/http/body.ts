import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.js';

/**
 * Reads a JSON body under `maxBytes` (413 from the declared length or as soon as the stream
 * passes it: nothing larger is buffered; the rest is drained and dropped), then parses it (400,
 * JSON-RPC -32700, when it is not JSON). An empty body is `undefined`.
 */
export function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = () =>
    new HttpError(413, `Request body larger than ${maxBytes} bytes`, {
      code: -32600,
      data: { max_bytes: maxBytes },
      headers: { connection: 'close' },
    });
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > maxBytes) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', (err) => {
      failed = true;
      reject(err);
    });
    req.once('end', () => {
      if (failed) return;
      if (size === 0) {
        resolve(undefined);
        return;
      }
      if (!/^application\/([a-z.+-]*\+)?json\b/i.test(req.headers['content-type'] ?? '')) {
        reject(new HttpError(415, 'Content-Type must be application/json', { code: -32600 }));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'Parse error: the body is not valid JSON', { code: -32700 }));
      }
    });
  });
}
