import { ERR_CANNOT_CONNECT, ERR_INVALID_AUTH, type HaWebSocket } from 'home-assistant-js-websocket';

/** A message far above what a large home sends (its whole state at subscribe is a few MB). */
const MAX_MESSAGE_CHARS = 32 * 1024 * 1024;

export interface SocketOptions {
  /** ws(s)://…/api/websocket */
  wsUrl: string;
  token: string;
  connectTimeoutMs: number;
  /** Why the socket could not be opened or authenticated, in words (Node's WebSocket says nothing). */
  onFailure(reason: string): void;
  /** The socket closed after authentication because Home Assistant sent something unusable. */
  onProtocolError(reason: string): void;
}

/**
 * The `createSocket` of home-assistant-js-websocket for a long-lived token, on Node's global
 * WebSocket: the auth phase of websocket_api/auth.py (`auth_required` → `auth` → `auth_ok` or
 * `auth_invalid`), with a deadline and the reason of a failure kept. Used for one attempt: the
 * bridge runs its own reconnection loop (see link.ts), so it never retries by itself.
 *
 * A guard listener, registered before the library's, drops what the library would choke on (a
 * frame that is not JSON text, or an oversized one) and closes the socket instead: the library
 * parses messages inside an event listener, where a throw would end the process.
 */
export function openSocket(options: SocketOptions): Promise<HaWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.wsUrl) as HaWebSocket;
    let settled = false;
    const fail = (reason: string, error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.onFailure(reason);
      socket.close();
      reject(error);
    };
    const timer = setTimeout(
      () => fail(`no answer within ${options.connectTimeoutMs} ms`, ERR_CANNOT_CONNECT),
      options.connectTimeoutMs,
    );

    socket.addEventListener('message', (event: MessageEvent) => {
      const problem = unusable(event.data);
      if (!problem) return;
      event.stopImmediatePropagation();
      if (settled) options.onProtocolError(problem);
      else fail(problem, ERR_CANNOT_CONNECT);
      socket.close();
    });

    const onAuthMessage = (event: MessageEvent) => {
      if (settled) return;
      const message = JSON.parse(event.data as string) as {
        type?: string;
        message?: string;
        ha_version?: string;
      };
      if (message.type === 'auth_required') {
        socket.send(JSON.stringify({ type: 'auth', access_token: options.token }));
      } else if (message.type === 'auth_invalid') {
        fail(
          `Home Assistant refused the access token: ${message.message ?? 'auth_invalid'}`,
          ERR_INVALID_AUTH,
        );
      } else if (message.type === 'auth_ok') {
        settled = true;
        clearTimeout(timer);
        socket.removeEventListener('message', onAuthMessage);
        socket.removeEventListener('close', onClose);
        socket.haVersion = message.ha_version ?? '0.0.0';
        // Message id 1, as the library expects: batches of messages in one frame.
        socket.send(
          JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } }),
        );
        resolve(socket);
      }
    };
    const onClose = (event: CloseEvent) =>
      fail(
        `the WebSocket closed before authentication (code ${event.code}${event.reason ? `, ${event.reason}` : ''})`,
        ERR_CANNOT_CONNECT,
      );
    socket.addEventListener('message', onAuthMessage);
    socket.addEventListener('close', onClose);
  });
}

function unusable(data: unknown): string | undefined {
  if (typeof data !== 'string') return 'Home Assistant sent a binary WebSocket frame';
  if (data.length > MAX_MESSAGE_CHARS)
    return `Home Assistant sent a WebSocket message over ${MAX_MESSAGE_CHARS} characters`;
  try {
    const parsed: unknown = JSON.parse(data);
    // One message, or a batch of them (coalesce_messages): each an object the library can read.
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    if (messages.some((message) => message === null || typeof message !== 'object' || Array.isArray(message)))
      return 'Home Assistant sent a WebSocket message that is not an object';
  } catch {
    return 'Home Assistant sent a WebSocket message that is not JSON';
  }
  return undefined;
}
