import type { Readable } from 'node:stream';
import type { EventPublisher, Logger, Task, TaskContext } from '@neurhomia/mcp-mqtt-core';
import * as api from '../docker/api.js';
import type { ContainerIdentity } from '../docker/containers.js';
import type { Engine } from '../docker/engine.js';
import {
  CONTAINER_ACTIONS,
  CONTAINER_STATE_EVENT,
  type EngineEvent,
  timeNanoOf,
  toContainerState,
} from './container-state.js';

/** A line of the event stream longer than this is not an event of ours: dropped, not buffered. */
const MAX_LINE_BYTES = 256 * 1024;
/** Keys of the last events published, so that a replay after a reconnect publishes none twice. */
const REMEMBERED = 512;

export type StreamStatus = 'connecting' | 'streaming' | 'reconnecting' | 'stopped';

export interface WatcherOptions {
  engine: Engine;
  events: EventPublisher;
  manageable: (container: ContainerIdentity) => boolean;
  /** Longest wait between reconnection attempts (the first is immediate, then 0.5 s doubling). */
  maxRetryMs: number;
}

/**
 * Follows the engine's event stream (`GET /events`, container start/die/stop/restart/health_status)
 * and publishes each as a container_state event. When the stream breaks — the engine restarts,
 * the socket goes away — it reconnects, asking the engine for the events since the last one it
 * published (`since`): a connection lost while the engine ran loses nothing, while an engine that
 * restarted has forgotten its past events, so the gap is logged with its bounds either way.
 * It is also the service's liveness check of the engine: an attempt that fails marks the engine
 * unreachable, a stream that opens marks it back.
 */
export class ContainerEventWatcher implements Task {
  readonly name = 'container-events';
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private lastNano: bigint | undefined;
  private readonly recent = new Set<string>();
  private statusValue: StreamStatus = 'stopped';
  /** Events published since start. */
  published = 0;

  constructor(private readonly options: WatcherOptions) {}

  get status(): StreamStatus {
    return this.statusValue;
  }

  start({ logger, signal }: TaskContext) {
    const controller = new AbortController();
    this.controller = controller;
    const stop = AbortSignal.any([signal, controller.signal]);
    this.loop = this.run(logger, stop);
  }

  async stop() {
    this.controller?.abort();
    await this.loop;
    this.statusValue = 'stopped';
  }

  private async run(logger: Logger, signal: AbortSignal) {
    let lostAt: number | undefined;
    let delay = 0;
    this.statusValue = 'connecting';
    while (!signal.aborted) {
      if (delay > 0) await sleep(delay, signal);
      if (signal.aborted) break;
      const since = this.since(lostAt);
      let stream: Readable;
      try {
        stream = await this.options.engine.call(
          (docker) =>
            api.events(
              docker,
              { filters: { type: ['container'], event: [...CONTAINER_ACTIONS] }, since },
              signal,
            ),
          signal,
        );
      } catch (error) {
        if (signal.aborted) break;
        delay = Math.min(Math.max(delay * 2, 500), this.options.maxRetryMs);
        logger.debug({ err: error, retry_in_ms: delay }, 'container event stream: connection failed');
        continue;
      }
      if (lostAt !== undefined) {
        logger.warn(
          {
            lost_at: new Date(lostAt).toISOString(),
            gap_s: Math.round((Date.now() - lostAt) / 100) / 10,
            replay_since: since,
          },
          'container event stream reconnected: events in the gap are replayed if the engine still has them ' +
            '(an engine that restarted has not: changes in the gap are then missing)',
        );
      } else {
        logger.info('container event stream connected');
      }
      this.statusValue = 'streaming';
      delay = 0;
      const reason = await this.consume(stream, logger, signal);
      if (signal.aborted) break;
      lostAt = Date.now();
      this.statusValue = 'reconnecting';
      logger.warn({ reason }, 'container event stream lost: reconnecting');
    }
  }

  /** `since` for a (re)connection: just after the last event published, else when the stream broke. */
  private since(lostAt: number | undefined): string | undefined {
    if (this.lastNano !== undefined) {
      const seconds = this.lastNano / 1_000_000_000n;
      const fraction = (this.lastNano % 1_000_000_000n).toString().padStart(9, '0');
      return `${seconds}.${fraction}`;
    }
    return lostAt === undefined ? undefined : String(Math.floor(lostAt / 1000));
  }

  /** Reads the stream until it ends; resolves with why. */
  private consume(stream: Readable, logger: Logger, signal: AbortSignal): Promise<string> {
    return new Promise((resolve) => {
      let buffered = '';
      const onAbort = () => stream.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        if (buffered.length > MAX_LINE_BYTES) {
          logger.warn({ bytes: buffered.length }, 'container event stream: oversized line dropped');
          buffered = '';
        }
        for (const line of lines) if (line.trim() !== '') this.handle(line, logger);
      });
      const done = (reason: string) => {
        signal.removeEventListener('abort', onAbort);
        resolve(reason);
      };
      stream.once('end', () => done('the engine closed the stream'));
      stream.once('error', (error) => done(error.message));
      stream.once('close', () => done('the connection closed'));
    });
  }

  private handle(line: string, logger: Logger) {
    let event: EngineEvent;
    try {
      event = JSON.parse(line) as EngineEvent;
    } catch {
      logger.warn({ line: line.slice(0, 200) }, 'container event stream: not JSON, ignored');
      return;
    }
    const digits = timeNanoOf(line);
    const payload = toContainerState(event, this.options.manageable, digits);
    if (!payload) return;
    const key = `${digits}|${payload.container_id}|${event.Action}`;
    if (this.recent.has(key)) return;
    this.recent.add(key);
    if (this.recent.size > REMEMBERED) this.recent.delete(this.recent.values().next().value!);
    if (digits) {
      const nano = BigInt(digits);
      if (this.lastNano === undefined || nano > this.lastNano) this.lastNano = nano;
    }
    this.published += 1;
    this.options.events.publish(CONTAINER_STATE_EVENT, { ...payload }).catch((error: unknown) => {
      logger.warn({ err: error, at: payload.time }, 'container_state not published');
    });
  }
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
