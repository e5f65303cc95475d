import { ExitCode } from '../errors.js';
import { WatchFormatter, type WatchLine } from '../format/watch.js';
import type { Command } from './command.js';

/**
 * One line per happening, on a TTY as in a pipe: heartbeats are rare (every 30 s by default),
 * a scrolling log keeps the history a refreshed status line would erase, and the same lines
 * read well in `docker compose run` and in log files.
 */
export const watchCommand: Command = {
  usage: 'watch',
  arity: [0, 0],
  endsOnSignal: true,
  async run({ client, output, interruption }) {
    const formatter = new WatchFormatter();
    const print = ({ json, text }: WatchLine) => output.line(json, () => text);
    // The retained documents arrived while connecting: show them, then follow what changes.
    for (const status of await client.listServices()) {
      print(status.up ? formatter.up(status) : formatter.down(status, 'offline'));
    }
    client.on('up', (status) => print(formatter.up(status)));
    client.on('down', (status, reason) => print(formatter.down(status, reason)));
    client.on('heartbeat', (status, beat) => print(formatter.heartbeat(status, beat)));
    client.on('event', (e) => print(formatter.event(e.serviceId, e.event, e.payload)));
    client.on('disconnected', () => print(formatter.connection(false)));
    client.on('reconnected', () => print(formatter.connection(true)));
    await client.subscribeEvents();
    await interruption.wait();
    return ExitCode.ok;
  },
};
