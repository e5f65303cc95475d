import { StringDecoder } from 'node:string_decoder';

export type LogStream = 'stdout' | 'stderr' | 'tty';

export interface LogLine {
  stream: LogStream;
  text: string;
  /** RFC 3339 with nanoseconds, when asked for (`timestamps`). */
  timestamp?: string;
}

/**
 * The Engine API's log stream of a container without a TTY is multiplexed: frames of an 8-byte
 * header — stream type (1 stdout, 2 stderr; 0 stdin), three zero bytes, payload length as a
 * big-endian uint32 — then the payload. A TTY container's stream is the raw terminal output
 * (stdout and stderr already merged by the terminal). Frames split anywhere across chunks.
 */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds a chunk; returns the complete frames it finishes. */
  push(chunk: Buffer): Array<{ stream: 'stdout' | 'stderr'; payload: Buffer }> {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Array<{ stream: 'stdout' | 'stderr'; payload: Buffer }> = [];
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const type = this.pending.readUInt8(offset);
      if (type > 2 || this.pending.readUIntBE(offset + 1, 3) !== 0)
        throw new Error(`not a multiplexed log stream (header byte ${type} at offset ${offset})`);
      const length = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < length) break;
      frames.push({
        stream: type === 2 ? 'stderr' : 'stdout',
        payload: this.pending.subarray(offset + 8, offset + 8 + length),
      });
      offset += 8 + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of an unfinished frame left at the end of the stream. */
  get leftover(): number {
    return this.pending.length;
  }
}

/** `2024-05-01T10:00:00.123456789Z text` → its two parts (the engine's `timestamps=1` prefix). */
function splitTimestamp(line: string): { timestamp?: string; text: string } {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/.exec(line);
  return match?.[1] ? { timestamp: match[1], text: line.slice(match[0].length) } : { text: line };
}

/**
 * Turns a container's log stream into lines, keeping only the newest ones within a byte budget.
 * Lines are split on `\n` per stream (a TTY's `\r\n` loses its `\r`); a last line without a
 * newline is kept. Memory stays within about twice the budget whatever the engine sends.
 */
export class LogCollector {
  private readonly lines: LogLine[] = [];
  private keptBytes = 0;
  private readonly partial = new Map<LogStream, string>();
  private readonly decoders = new Map<LogStream, StringDecoder>();
  private readonly frames: FrameParser | undefined;
  /** Lines dropped to stay within the budget (the oldest ones). */
  dropped = 0;
  /** A single line longer than the budget was cut to its end. */
  cut = false;
  /** Bytes read from the engine. */
  received = 0;

  constructor(private readonly options: { tty: boolean; timestamps: boolean; maxBytes: number }) {
    this.frames = options.tty ? undefined : new FrameParser();
  }

  push(chunk: Buffer) {
    this.received += chunk.length;
    if (!this.frames) {
      this.text('tty', chunk);
      return;
    }
    for (const frame of this.frames.push(chunk)) this.text(frame.stream, frame.payload);
  }

  /** The lines, oldest first, once the stream has ended. */
  finish(): { lines: LogLine[]; truncated: boolean; bytes: number } {
    for (const [stream, decoder] of this.decoders) {
      const rest = (this.partial.get(stream) ?? '') + decoder.end();
      if (rest !== '') this.add(stream, rest);
    }
    this.partial.clear();
    return { lines: this.lines, truncated: this.dropped > 0 || this.cut, bytes: this.keptBytes };
  }

  private text(stream: LogStream, bytes: Buffer) {
    let decoder = this.decoders.get(stream);
    if (!decoder) {
      decoder = new StringDecoder('utf8');
      this.decoders.set(stream, decoder);
    }
    const text = (this.partial.get(stream) ?? '') + decoder.write(bytes);
    const parts = text.split('\n');
    const last = parts.pop() ?? '';
    for (const part of parts) this.add(stream, part);
    // A line longer than the whole budget can never be shown whole: cut it now, bounded memory.
    if (last.length > this.options.maxBytes) this.cut = true;
    this.partial.set(stream, last.length > this.options.maxBytes ? last.slice(-this.options.maxBytes) : last);
  }

  private add(stream: LogStream, raw: string) {
    const withoutCr = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const { timestamp, text } = this.options.timestamps ? splitTimestamp(withoutCr) : { text: withoutCr };
    const line: LogLine = timestamp ? { stream, text, timestamp } : { stream, text };
    this.lines.push(line);
    this.keptBytes += Buffer.byteLength(text) + (timestamp?.length ?? 0);
    // Oldest first out; the newest line is kept even alone over the budget (cut to it).
    while (this.keptBytes > this.options.maxBytes && this.lines.length > 1) {
      const oldest = this.lines.shift()!;
      this.keptBytes -= Buffer.byteLength(oldest.text) + (oldest.timestamp?.length ?? 0);
      this.dropped += 1;
    }
    if (this.keptBytes > this.options.maxBytes) {
      const only = this.lines[0]!;
      const cut = Buffer.from(only.text).subarray(-this.options.maxBytes).toString('utf8');
      this.keptBytes = Buffer.byteLength(cut);
      only.text = cut;
      this.cut = true;
    }
  }
}
