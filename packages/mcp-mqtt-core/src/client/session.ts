import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { RequestCancelledError } from '../protocol/errors.js';
import { anyService } from '../protocol/topics.js';
import { reasonOf } from './calls.js';

export type QoS = 0 | 1;

/**
 * Once its SUBACK is in, the broker has delivered every retained discovery document: they are
 * sent right after the SUBACK of the discovery subscription, at QoS 0 (never held back by the
 * in-flight window), so the SUBACK of this second SUBSCRIBE of the same filter ("send no retained
 * messages") comes after all of them.
 */
const RETAINED_BARRIER = { [anyService.discovery]: { qos: 0 as const, rh: 2 } };

/** QoS 0: presence is state, re-sent on every reconnect as retained documents and beats. */
const PRESENCE: Record<string, QoS> = { [anyService.discovery]: 0, [anyService.heartbeat]: 0 };

/**
 * A client's broker connection: clean sessions, so every subscription is renewed on each
 * (re)connect; `ready` once subscribed (requests may go out); `disconnected` and `reconnected`
 * when a ready connection drops and comes back. `lost` on every close: the calls waiting on it end.
 */
export class BrokerSession extends EventEmitter<{ disconnected: []; reconnected: []; lost: [] }> {
  /** Every subscription with its QoS. */
  private readonly topicFilters = new Map<string, QoS>();
  private isReady = false;
  private wasReady = false;
  private readyWaiters: Array<() => void> = [];
  private closing = false;

  constructor(readonly mqtt: MqttClient) {
    super();
    mqtt.on('connect', () => void this.onConnect());
    mqtt.on('close', () => this.onClose());
    mqtt.on('error', () => {}); // connection errors surface as close/reconnect; calls time out clearly
  }

  /**
   * Resolves once connected and subscribed. A CONNACK refusal (bad credentials, not authorized)
   * is final and rejects at once, as an abort of `signal` does; then the connection is ended.
   */
  async opened(url: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    const { mqtt } = this;
    const refused = new Promise<never>((_, reject) => {
      mqtt.once('error', (err) => {
        if (!mqtt.connected) reject(err);
      });
    });
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.reason ?? new Error('connect aborted'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const late = () => new Error(`could not connect to ${url} within ${timeoutMs} ms`);
      await Promise.race([this.whenReady(timeoutMs, late), refused, aborted]);
    } catch (err) {
      await mqtt.endAsync(true);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Connected and subscribed. */
  get ready(): boolean {
    return this.isReady;
  }

  /** Records filters to subscribe on the next (re)connect, without subscribing now. */
  record(filters: Record<string, QoS>) {
    for (const [filter, qos] of Object.entries(filters)) this.topicFilters.set(filter, qos);
  }

  private async onConnect() {
    const filters = Object.fromEntries([...this.topicFilters].map(([topic, qos]) => [topic, { qos }]));
    try {
      await this.mqtt.subscribeAsync(filters);
      if (this.topicFilters.has(anyService.discovery)) await this.mqtt.subscribeAsync(RETAINED_BARRIER);
      this.isReady = true;
      if (this.wasReady) this.emit('reconnected');
      this.wasReady = true;
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      for (const waiter of waiters) waiter();
    } catch {
      this.mqtt.stream?.destroy();
    }
  }

  private onClose() {
    if (this.isReady && !this.closing) this.emit('disconnected');
    this.isReady = false;
    this.emit('lost');
  }

  /**
   * Resolves once connected and subscribed; rejects with `onTimeout()` after `timeoutMs`, or as a
   * cancelled request when `signal` aborts first.
   */
  whenReady(timeoutMs: number, onTimeout: () => Error, signal?: AbortSignal): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const leave = (error?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.readyWaiters = this.readyWaiters.filter((w) => w !== waiter);
        if (error) reject(error);
        else resolve();
      };
      const waiter = () => leave();
      const onAbort = () => leave(new RequestCancelledError(reasonOf(signal!)));
      const timer = setTimeout(() => leave(onTimeout()), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.readyWaiters.push(waiter);
    });
  }

  /** Subscribes now, and on every reconnect. */
  async add(filters: Record<string, QoS>): Promise<void> {
    const added = Object.entries(filters).filter(([f]) => !this.topicFilters.has(f));
    for (const [filter, qos] of added) this.topicFilters.set(filter, qos);
    if (added.length > 0 && this.mqtt.connected) {
      await this.subscribeNow(Object.fromEntries(added.map(([f, qos]) => [f, { qos }])));
    }
  }

  /**
   * Follows discovery and heartbeats from the next (re)connect on, or at once when connected:
   * then resolves once the retained discovery documents are in.
   */
  async followServices(): Promise<void> {
    const fresh = !this.topicFilters.has(anyService.discovery);
    this.record(PRESENCE);
    if (fresh && this.mqtt.connected) {
      await this.subscribeNow({ [anyService.discovery]: { qos: 0 }, [anyService.heartbeat]: { qos: 0 } });
      await this.subscribeNow(RETAINED_BARRIER);
    }
  }

  /**
   * Subscribes on the current connection. If that connection drops meanwhile, the filters are
   * already recorded and `onConnect` subscribes them on the next one: not an error.
   */
  private async subscribeNow(filters: Record<string, { qos: QoS; rh?: number }>) {
    try {
      await this.mqtt.subscribeAsync(filters);
    } catch (err) {
      if (this.mqtt.connected) throw err;
    }
  }

  /** One broker round trip (SUBSCRIBE → SUBACK of `topic`, then unsubscribed), in ms. */
  async roundTrip(topic: string, timeoutMs: number): Promise<number> {
    if (!this.isReady) throw new Error('not connected to the broker');
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no SUBACK within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.mqtt.subscribeAsync(topic, { qos: 0 }), timeout]);
    } finally {
      clearTimeout(timer);
    }
    const ms = performance.now() - started;
    this.mqtt.unsubscribeAsync(topic).catch(() => {});
    return ms;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.mqtt.endAsync();
  }
}
