/**
 * One WebSocket client (websocket_api/http.py, auth.py, connection.py): `auth_required` on connect,
 * 10 s to authenticate, `auth_invalid` then close on a bad token; then commands whose ids must
 * increase (`id_reuse`), unknown types (`unknown_command`), schema errors (`invalid_format`), and
 * invalid JSON closing the connection. Outgoing messages queued in the same turn of the event loop
 * go out as one JSON array once the client announced `coalesce_messages`.
 */
import type { WebSocket } from 'ws';
import type { Translation } from '../errors.js';
import { HomeAssistantError } from '../errors.js';
import type { Hass } from '../hass.js';
import type { Runtime } from '../runtime.js';
import {
  humanizeError,
  Invalid,
  MultipleInvalid,
  optional,
  positiveInt,
  required,
  schema,
  str,
} from '../validation.js';
import { COMMANDS } from './commands.js';
import { ERR, errorMessage, resultMessage } from './messages.js';

const AUTH_TIMEOUT_MS = 10_000;
const MAX_PENDING_MESSAGES = 4096; // a client that cannot keep up is disconnected, as Home Assistant does
const MAX_SUBSCRIPTIONS = 4096;

const authSchema = (() => {
  const literalAuth = (v: unknown, path: ReadonlyArray<string | number>) => {
    if (v !== 'auth') throw new Invalid('not a valid value', path);
    return v;
  };
  return schema({ type: required(literalAuth), api_password: optional(str), access_token: optional(str) });
})();

export type ConnectionHooks = { log: (line: string) => void; onClose: (conn: WsConnection) => void };

export class WsConnection {
  private phase: 'auth' | 'active' | 'closed' = 'auth';
  private lastId = 0;
  private canCoalesce = false;
  private readonly subscriptions = new Map<number, () => void>();
  private queue: string[] = [];
  private flushScheduled = false;
  private readonly authTimer: NodeJS.Timeout;
  private unlistenRevoke: (() => void) | null = null;

  constructor(
    private readonly ws: WebSocket,
    readonly runtime: Runtime,
    private readonly hooks: ConnectionHooks,
  ) {
    runtime.observations.countConnection();
    this.authTimer = setTimeout(() => this.close(), AUTH_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', () => this.cleanup());
    ws.on('error', () => this.cleanup());
    this.sendRaw({ type: 'auth_required', ha_version: this.hass.options.haVersion });
  }

  get hass(): Hass {
    return this.runtime.hass;
  }

  close(code = 1000): void {
    this.cleanup();
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code);
  }

  /** Drop the TCP connection without a close frame (a stopped server). */
  terminate(): void {
    this.cleanup();
    this.ws.terminate();
  }

  private cleanup(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    clearTimeout(this.authTimer);
    this.unlistenRevoke?.();
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    this.queue = [];
    this.hooks.onClose(this);
  }

  setSupportedFeatures(features: Record<string, number>): void {
    this.canCoalesce = 'coalesce_messages' in features;
  }

  addSubscription(id: number, unsubscribe: () => void): void {
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) {
      unsubscribe();
      throw new HomeAssistantError(`Too many subscriptions (${MAX_SUBSCRIPTIONS}) on one connection`);
    }
    this.subscriptions.set(id, unsubscribe);
  }

  removeSubscription(id: number): boolean {
    const unsubscribe = this.subscriptions.get(id);
    if (!unsubscribe) return false;
    this.subscriptions.delete(id);
    unsubscribe();
    return true;
  }

  sendResult(id: number, result: unknown): void {
    this.sendRaw(resultMessage(id, result));
  }

  sendError(id: unknown, code: string, message: string, translation: Translation | null = null): void {
    this.sendRaw(errorMessage(id, code, message, translation));
  }

  /** Queue a message; the queue is written at the end of this turn of the event loop. */
  sendRaw(message: unknown): void {
    if (this.phase === 'closed') return;
    if (this.queue.length >= MAX_PENDING_MESSAGES) {
      this.hooks.log('client unable to keep up with pending messages, disconnecting');
      this.close(1008);
      return;
    }
    this.queue.push(JSON.stringify(message));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const pending = this.queue;
    this.queue = [];
    if (this.ws.readyState !== this.ws.OPEN || pending.length === 0) return;
    if (this.canCoalesce && pending.length > 1) {
      this.ws.send(`[${pending.join(',')}]`);
      return;
    }
    for (const message of pending) this.ws.send(message);
  }

  private onMessage(text: string, isBinary: boolean): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'auth') {
      this.onAuth(text, isBinary);
      return;
    }
    if (isBinary) return; // no binary handler is registered: Home Assistant logs and ignores it
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.hooks.log('received invalid JSON, disconnecting');
      this.close();
      return;
    }
    for (const message of Array.isArray(data) ? data : [data]) this.handle(message);
  }

  private onAuth(text: string, isBinary: boolean): void {
    clearTimeout(this.authTimer);
    this.runtime.observations.countCommand('auth');
    let data: unknown;
    try {
      if (isBinary) throw new Error('binary');
      data = JSON.parse(text);
    } catch {
      this.close();
      return;
    }
    let valid: Record<string, unknown>;
    try {
      valid = authSchema(data, []);
      if ('access_token' in valid && 'api_password' in valid) {
        throw new MultipleInvalid([
          new Invalid("two or more values in the same group of exclusion 'auth'", ['<auth>']),
        ]);
      }
    } catch (err) {
      if (!(err instanceof Invalid || err instanceof MultipleInvalid)) throw err;
      this.sendRaw({
        type: 'auth_invalid',
        message: `Auth message incorrectly formatted: ${humanizeError(data, err)}`,
      });
      this.closeAfterFlush();
      return;
    }
    if (typeof valid.access_token !== 'string' || !this.runtime.checkToken(valid.access_token)) {
      this.sendRaw({ type: 'auth_invalid', message: 'Invalid access token or password' });
      this.closeAfterFlush();
      return;
    }
    this.phase = 'active';
    this.unlistenRevoke = this.runtime.onTokenRevoked(() => this.close());
    this.sendRaw({ type: 'auth_ok', ha_version: this.hass.options.haVersion });
  }

  private closeAfterFlush(): void {
    setImmediate(() => setImmediate(() => this.close()));
  }

  /** `ActiveConnection.async_handle`. */
  private handle(message: unknown): void {
    const msg = message as Record<string, unknown>;
    const isDict = typeof message === 'object' && message !== null && !Array.isArray(message);
    const id = isDict ? msg.id : undefined;
    const type = isDict ? msg.type : undefined;
    if (
      !isDict ||
      typeof id !== 'number' ||
      !Number.isInteger(id) ||
      id === 0 ||
      typeof type !== 'string' ||
      !type
    ) {
      this.sendError(isDict ? (msg.id ?? null) : 0, ERR.INVALID_FORMAT, 'Message incorrectly formatted.');
      return;
    }
    this.runtime.observations.countCommand(type);
    if (id <= this.lastId) {
      this.sendError(id, ERR.ID_REUSE, 'Identifier values have to increase.');
      return;
    }
    const command = COMMANDS[type];
    if (!command) {
      this.sendError(id, ERR.UNKNOWN_COMMAND, 'Unknown command.');
      return;
    }
    this.lastId = id;
    let valid: Record<string, unknown>;
    try {
      valid = schema({ id: required(positiveInt), type: required(str), ...command.fields })(msg, []);
    } catch (err) {
      this.handleException(msg, err);
      return;
    }
    // call_service spends the latency inside the call; every other command before answering.
    const run = type === 'call_service' ? Promise.resolve() : this.runtime.delay();
    void run
      .then(() => (this.phase === 'active' ? command.handler(this, id, valid) : undefined))
      .catch((err: unknown) => this.handleException(msg, err));
  }

  /** `async_handle_exception`. */
  private handleException(msg: Record<string, unknown>, err: unknown): void {
    let code: string = ERR.UNKNOWN_ERROR;
    let message = '';
    if (err instanceof Invalid || err instanceof MultipleInvalid) {
      code = ERR.INVALID_FORMAT;
      message = humanizeError(msg, err);
    } else if (err instanceof HomeAssistantError) {
      message = err.message;
    }
    if (!message) {
      message = 'Unknown error';
      this.hooks.log(`error handling message: ${err instanceof Error ? err.stack : String(err)}`);
    }
    this.sendError(msg.id, code, message);
  }
}
