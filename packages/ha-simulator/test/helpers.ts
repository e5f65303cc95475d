/**
 * Test helpers: a simulator per test, REST calls with or without the token, and a raw WebSocket
 * client (Node's global WebSocket) that records every message, arrays of coalesced messages
 * flattened, so tests can wait for the one they expect.
 */
import { type HaSimulator, type HaSimulatorOptions, startHaSimulator } from '../src/index.js';

export type Json = Record<string, unknown>;

export async function simulator(options: HaSimulatorOptions = {}): Promise<HaSimulator> {
  return startHaSimulator(options);
}

export async function rest(
  sim: HaSimulator,
  method: string,
  path: string,
  { body, token = sim.token, raw }: { body?: unknown; token?: string | null; raw?: string } = {},
): Promise<{ status: number; type: string | null; text: string; json: () => unknown; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text,
    json: () => JSON.parse(text),
    headers: res.headers,
  };
}

export class RawClient {
  readonly messages: Json[] = [];
  readonly frames: string[] = [];
  closed: { code: number } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (ev) => {
      const text = String(ev.data);
      this.frames.push(text);
      const data = JSON.parse(text) as Json | Json[];
      for (const m of Array.isArray(data) ? data : [data]) this.messages.push(m);
      this.wake();
    });
    ws.addEventListener('close', (ev) => {
      this.closed = { code: ev.code };
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve(), { once: true });
      ws.addEventListener('error', () => reject(new Error('cannot connect')), { once: true });
    });
    return client;
  }

  /** Connect and authenticate; returns after auth_ok. */
  static async authenticated(sim: HaSimulator): Promise<RawClient> {
    const client = await RawClient.open(sim.wsUrl);
    await client.next((m) => m.type === 'auth_required');
    client.send({ type: 'auth', access_token: sim.token });
    await client.next((m) => m.type === 'auth_ok');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first recorded message (from `from` on) matching; waits up to `timeoutMs`. */
  async next(match: (m: Json) => boolean, { from = 0, timeoutMs = 3000 } = {}): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closed) throw new Error(`connection closed (${this.closed.code}) before the message came`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(from))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Send a command and wait for its result (or pong). */
  async command(message: Json): Promise<Json> {
    const from = this.messages.length;
    this.send(message);
    return this.next((m) => m.id === message.id && (m.type === 'result' || m.type === 'pong'), { from });
  }

  async waitClosed(timeoutMs = 3000): Promise<{ code: number }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
