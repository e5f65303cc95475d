import type { AddressInfo } from 'node:net';
import { Connection, ERR_CANNOT_CONNECT, ERR_INVALID_AUTH } from 'home-assistant-js-websocket';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openSocket } from '../../src/ha/socket.js';

/** A WebSocket server playing Home Assistant's auth phase, then whatever the test wants. */
async function fakeHomeAssistant(
  behaviour: 'accept' | 'silent',
  afterAuth?: (send: (data: string) => void) => void,
) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    if (behaviour === 'silent') return;
    socket.send(JSON.stringify({ type: 'auth_required', ha_version: '2025.6.0' }));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      if (message.type !== 'auth') return;
      if (message.access_token !== 'good-token') {
        socket.send(JSON.stringify({ type: 'auth_invalid', message: 'Invalid access token or password' }));
        return;
      }
      socket.send(JSON.stringify({ type: 'auth_ok', ha_version: '2025.6.0' }));
      afterAuth?.((data) => socket.send(data));
    });
  });
  servers.push(server);
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/websocket`;
}
const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

function attempt(wsUrl: string, token: string, connectTimeoutMs = 2_000) {
  const reasons: string[] = [];
  const protocolErrors: string[] = [];
  const socket = openSocket({
    wsUrl,
    token,
    connectTimeoutMs,
    onFailure: (reason) => reasons.push(reason),
    onProtocolError: (reason) => protocolErrors.push(reason),
  });
  return { socket, reasons, protocolErrors };
}

describe('openSocket', () => {
  it("authenticates and hands over a socket with Home Assistant's version", async () => {
    const { socket } = attempt(await fakeHomeAssistant('accept'), 'good-token');
    const opened = await socket;
    expect(opened.haVersion).toBe('2025.6.0');
    opened.close();
  });

  it("rejects with ERR_INVALID_AUTH and Home Assistant's words for a refused token", async () => {
    const { socket, reasons } = attempt(await fakeHomeAssistant('accept'), 'bad-token');
    await expect(socket).rejects.toBe(ERR_INVALID_AUTH);
    expect(reasons).toEqual(['Home Assistant refused the access token: Invalid access token or password']);
  });

  it('gives up on a server that never speaks', async () => {
    const { socket, reasons } = attempt(await fakeHomeAssistant('silent'), 'good-token', 200);
    await expect(socket).rejects.toBe(ERR_CANNOT_CONNECT);
    expect(reasons).toEqual(['no answer within 200 ms']);
  });

  it('closes the connection on a message that is not JSON, instead of crashing in the client library', async () => {
    let sendLater: ((data: string) => void) | undefined;
    const { socket, protocolErrors } = attempt(
      await fakeHomeAssistant('accept', (send) => {
        sendLater = send;
      }),
      'good-token',
    );
    const connection = new Connection(await socket, { setupRetry: 0, createSocket: () => socket });
    const lost = new Promise((resolve) => connection.addEventListener('disconnected', resolve));
    sendLater?.('this is not json');
    await lost;
    connection.close();
    expect(protocolErrors).toEqual(['Home Assistant sent a WebSocket message that is not JSON']);
  });
});
