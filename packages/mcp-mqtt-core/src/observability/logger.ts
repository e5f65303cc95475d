import { createRequire } from 'node:module';
import pino, { type Logger, type StreamEntry } from 'pino';

// pino-pretty is loaded only on a terminal: a container never pays for it at start.
const requirePretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

/** Secrets never reach a log line, on stdout or on MQTT. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'api_key',
  '*.api_key',
  '*.*.api_key',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'signature',
  '*.signature',
  'MQTT_PASSWORD',
  'MCP_API_KEYS',
  '*.MQTT_PASSWORD',
  '*.MCP_API_KEYS',
];

/**
 * Mirrors log lines to `mcp/{id}/logs`. Rate-limited (a token bucket) so that a log storm cannot
 * flood the broker; lines dropped meanwhile are counted and reported on the next line through.
 */
export class LogMirror {
  private publish: ((line: string) => void) | undefined;
  private tokens: number;
  private updatedAt = Date.now();
  private dropped = 0;

  constructor(
    private readonly perSecond = 20,
    private readonly burst = 100,
  ) {
    this.tokens = burst;
  }

  attach(publish: ((line: string) => void) | undefined) {
    this.publish = publish;
  }

  write(line: string) {
    if (!this.publish) return;
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) {
      this.dropped += 1;
      return;
    }
    this.tokens -= 1;
    if (this.dropped > 0) {
      const dropped = this.dropped;
      this.dropped = 0;
      this.publish(
        JSON.stringify({ level: 40, time: now, msg: 'log lines dropped by the rate limit', dropped }),
      );
    }
    this.publish(line.trimEnd());
  }
}

export interface LoggerOptions {
  level: string;
  mirrorLevel: string;
  mirror?: LogMirror;
  name: string;
  /** Pretty output for people; JSON for machines. Defaults to whether stdout is a TTY. */
  pretty?: boolean;
}

/** How often buffered log lines reach stdout at the latest. */
const FLUSH_INTERVAL_MS = 200;

export interface ServiceLoggers {
  logger: Logger;
  /**
   * The audit trail (one line per tool call): same streams, no redaction pass — its fields are
   * fixed and never hold a secret, and redaction is the larger part of a line's cost.
   */
  audit: Logger;
}

export function createLoggers(options: LoggerOptions): ServiceLoggers {
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  let stdout: pino.DestinationStream;
  if (usePretty) {
    stdout = requirePretty()({ colorize: true, sync: true });
  } else {
    // Buffered: one write(2) per ~4 KiB of lines instead of one per line, flushed on a timer and
    // at exit so that nothing waits long or is lost.
    const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
    process.once('exit', () => destination.flushSync());
    stdout = destination;
  }
  const streams: StreamEntry[] = [{ level: options.level as pino.Level, stream: stdout }];
  if (options.mirror && options.mirrorLevel !== 'silent') {
    streams.push({ level: options.mirrorLevel as pino.Level, stream: options.mirror });
  }
  const lowest = [options.level, options.mirrorLevel]
    .filter((level) => level !== 'silent')
    .sort((a, b) => pino.levels.values[a]! - pino.levels.values[b]!)[0];
  const shared = pino.multistream(streams);
  const common = {
    name: options.name,
    level: lowest ?? 'silent',
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return {
    logger: pino({ ...common, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, shared),
    audit: pino(common, shared),
  };
}

export function createLogger(options: LoggerOptions): Logger {
  return createLoggers(options).logger;
}

/** A logger that writes nothing (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
