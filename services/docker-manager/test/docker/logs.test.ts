import { describe, expect, it } from 'vitest';
import { FrameParser, LogCollector } from '../../src/docker/logs.js';

/** One frame of the Engine API's multiplexed stream: type, three zero bytes, length, payload. */
function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `bytes` in pieces of `size`, as a socket may deliver them. */
function feed(collector: LogCollector, bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) collector.push(bytes.subarray(i, i + size));
}

describe('FrameParser', () => {
  it('reads frames split anywhere across chunks', () => {
    const bytes = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'é🚀\n')]);
    for (const size of [1, 3, 7, 8, 9, bytes.length]) {
      const parser = new FrameParser();
      const frames = [];
      for (let i = 0; i < bytes.length; i += size) frames.push(...parser.push(bytes.subarray(i, i + size)));
      expect(frames.map((f) => [f.stream, f.payload.toString()])).toEqual([
        ['stdout', 'out\n'],
        ['stderr', 'err\n'],
        ['stdout', 'é🚀\n'],
      ]);
      expect(parser.leftover).toBe(0);
    }
  });

  it('refuses a stream that is not multiplexed (a TTY stream read as if it were)', () => {
    expect(() => new FrameParser().push(Buffer.from('plain text from a terminal\r\n'))).toThrow(
      /not a multiplexed log stream/,
    );
  });
});

describe('LogCollector', () => {
  it('splits each stream into lines, a line spread over frames made whole again', () => {
    const collector = new LogCollector({ tty: false, timestamps: false, maxBytes: 10_000 });
    // The engine cuts lines over 16 KiB into several frames; stdout and stderr interleave.
    const bytes = Buffer.concat([
      frame(1, 'part one, '),
      frame(2, 'warning\n'),
      frame(1, 'part two\n'),
      frame(1, 'no newline'),
    ]);
    feed(collector, bytes, 5);
    expect(collector.finish()).toEqual({
      lines: [
        { stream: 'stderr', text: 'warning' },
        { stream: 'stdout', text: 'part one, part two' },
        { stream: 'stdout', text: 'no newline' },
      ],
      truncated: false,
      bytes: 35,
    });
  });

  it("reads a TTY stream as one stream, dropping the terminal's \\r", () => {
    const collector = new LogCollector({ tty: true, timestamps: false, maxBytes: 10_000 });
    feed(collector, Buffer.from('one\r\ntwo é\r\nthree'), 4);
    expect(collector.finish().lines).toEqual([
      { stream: 'tty', text: 'one' },
      { stream: 'tty', text: 'two é' },
      { stream: 'tty', text: 'three' },
    ]);
  });

  it("separates the engine's timestamps from the text", () => {
    const collector = new LogCollector({ tty: false, timestamps: true, maxBytes: 10_000 });
    collector.push(frame(1, '2026-01-02T03:04:05.123456789Z hello world\n'));
    expect(collector.finish().lines).toEqual([
      { stream: 'stdout', text: 'hello world', timestamp: '2026-01-02T03:04:05.123456789Z' },
    ]);
  });

  it('keeps the newest lines within the byte budget and says it dropped some', () => {
    const collector = new LogCollector({ tty: true, timestamps: false, maxBytes: 20 });
    collector.push(Buffer.from('line 1\nline 2\nline 3\nline 4\n'));
    const { lines, truncated, bytes } = collector.finish();
    expect(lines.map((l) => l.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(truncated).toBe(true);
    expect(bytes).toBe(18);
  });

  it('cuts a single line longer than the budget to its end', () => {
    const collector = new LogCollector({ tty: true, timestamps: false, maxBytes: 10 });
    collector.push(Buffer.from(`${'a'.repeat(50)}END\n`));
    expect(collector.finish()).toEqual({
      lines: [{ stream: 'tty', text: 'aaaaaaaEND' }],
      truncated: true,
      bytes: 10,
    });
  });
});
