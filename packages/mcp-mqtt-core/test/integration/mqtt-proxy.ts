import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/** MQTT control packet types (the high nibble of the first byte). */
export const PacketType = { CONNECT: 1, PUBLISH: 3, SUBSCRIBE: 8, DISCONNECT: 14 } as const;

/**
 * A TCP relay in front of the broker that records the MQTT packet types each client sends, so a
 * test can see whether a process said DISCONNECT before closing its socket.
 */
export async function startMqttProxy(
  brokerUrl: string,
  options: {
    /** Cuts the first connection right after it sent its nth packet of this type (once). */
    cutAfter?: { type: number; nth: number };
  } = {},
) {
  const broker = new URL(brokerUrl);
  const connections: Array<{ packets: number[]; closed: boolean }> = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const record = { packets: [] as number[], closed: false };
    connections.push(record);
    const upstream = tcpConnect(Number(broker.port || 1883), broker.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    let buffer: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = Buffer.concat([buffer, chunk]);
      buffer = readPackets(buffer, (type) => {
        record.packets.push(type);
        const cut = options.cutAfter;
        if (
          cut &&
          connections.length === 1 &&
          record.packets.filter((t) => t === cut.type).length === cut.nth
        ) {
          // The packet went upstream; its answer will find no one.
          client.destroy();
          upstream.destroy();
        }
      });
    });
    client.on('close', () => {
      record.closed = true;
      upstream.end();
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    upstream.on('close', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    connections,
    /** Cuts every open connection (the broker seems to vanish); new ones are still relayed. */
    drop() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Calls `onPacket` for each complete packet at the start of `buffer`; returns the rest. */
function readPackets(buffer: Buffer, onPacket: (type: number) => void): Buffer {
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    let length = 0;
    let multiplier = 1;
    let index = offset + 1;
    let complete = false;
    while (index < buffer.length && index < offset + 5) {
      const byte = buffer[index]!;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      index += 1;
      if ((byte & 0x80) === 0) {
        complete = true;
        break;
      }
    }
    if (!complete || index + length > buffer.length) break;
    onPacket(buffer[offset]! >> 4);
    offset = index + length;
  }
  return buffer.subarray(offset);
}
