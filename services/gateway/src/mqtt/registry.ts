import { EventEmitter } from 'node:events';
import type { DiscoveryDocument, Logger } from '@neurhomia/mcp-mqtt-core';
import type { McpMqttClient, ServiceState } from '@neurhomia/mcp-mqtt-core/client';
import { ToolNames } from '../naming.js';

export type { ServiceState };

export interface ServiceEntry {
  serviceId: string;
  discovery: DiscoveryDocument;
  state: ServiceState;
  /** When the last heartbeat arrived (ms since epoch), as the client saw it. */
  lastHeartbeat: number | undefined;
  /** When the state last changed (ms since epoch). */
  since: number;
  /** Bumped on every change of state, version or capabilities: cached lists of it are stale. */
  generation: number;
}

export interface ServiceChange {
  serviceId: string;
  /** `appeared` (first seen up), `up`, `down`, `changed` (version or capabilities). */
  kind: 'appeared' | 'up' | 'down' | 'changed';
  state: ServiceState;
  /** Why a service went down: `offline` or `missed 3 heartbeats`. */
  reason?: string | undefined;
}

export interface BusinessEvent {
  serviceId: string;
  event: string;
  payload: unknown;
}

/** `weather,ha-*` → a test of service ids; none = every service. */
export function serviceMatcher(patterns: readonly string[]): (serviceId: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regex = new RegExp(`^(${patterns.map((p) => p.split('*').join('[a-z0-9-]*')).join('|')})$`);
  return (serviceId) => regex.test(serviceId);
}

const signatureOf = (discovery: DiscoveryDocument) =>
  JSON.stringify([discovery.version, discovery.capabilities]);

/**
 * The live services, as the core's client follows them (retained discovery, heartbeats: three
 * missed intervals = down), with a generation per service and the tool-name table. Emits one
 * `change` per batch of changes, so that sessions are told once that the tool list changed.
 */
export class Registry extends EventEmitter<{
  change: [ServiceChange[]];
  event: [BusinessEvent];
}> {
  readonly names: ToolNames;
  private readonly entries = new Map<string, ServiceEntry & { signature: string }>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: McpMqttClient,
    private readonly logger: Logger,
    private readonly exposed: (serviceId: string) => boolean,
  ) {
    super();
    // Every MCP session manager and open dashboard stream listens (bounded where they are opened).
    this.setMaxListeners(0);
    this.names = new ToolNames(logger);
  }

  /**
   * Follows discovery and heartbeats; resolves once the retained discovery documents are in.
   * Up/down come from the client's events; version or capability changes of a live service (a
   * new replica, a redeploy without going offline) from a light poll of its document.
   */
  static async start(
    client: McpMqttClient,
    logger: Logger,
    options: { services?: readonly string[]; pollMs?: number } = {},
  ): Promise<Registry> {
    const registry = new Registry(client, logger, serviceMatcher(options.services ?? []));
    const refresh = () => void registry.refresh();
    client.on('up', refresh);
    client.on('down', (status, reason) => void registry.refresh({ [status.serviceId]: reason }));
    client.on('event', (event) => {
      if (registry.exposed(event.serviceId)) registry.emit('event', event);
    });
    await client.listServices();
    await client.subscribeEvents();
    await registry.refresh();
    registry.timer = setInterval(refresh, options.pollMs ?? 1000).unref();
    return registry;
  }

  private async refresh(reasons: Record<string, string> = {}) {
    const statuses = (await this.client.listServices()).filter((s) => this.exposed(s.serviceId));
    const changes: ServiceChange[] = [];
    const now = Date.now();
    for (const status of statuses) {
      const previous = this.entries.get(status.serviceId);
      const { state } = status;
      const signature = signatureOf(status.discovery);
      const entry = {
        serviceId: status.serviceId,
        discovery: status.discovery,
        state,
        lastHeartbeat: status.lastHeartbeat,
        since: previous && previous.state === state ? previous.since : now,
        generation: previous?.generation ?? 0,
        signature,
      };
      let kind: ServiceChange['kind'] | undefined;
      if (!previous) kind = state === 'up' ? 'appeared' : undefined;
      else if (previous.state !== state)
        kind = state === 'up' ? 'up' : previous.state === 'up' ? 'down' : undefined;
      else if (previous.signature !== signature) kind = 'changed';
      if (previous && (previous.state !== state || previous.signature !== signature)) entry.generation += 1;
      this.entries.set(status.serviceId, entry);
      if (kind) {
        const reason = kind === 'down' ? (reasons[status.serviceId] ?? status.discovery.status) : undefined;
        changes.push({ serviceId: status.serviceId, kind, state, reason });
      }
    }
    // A retained document cleared (empty payload) makes the client forget the service.
    const known = new Set(statuses.map((s) => s.serviceId));
    for (const [serviceId, entry] of this.entries) {
      if (known.has(serviceId)) continue;
      this.entries.delete(serviceId);
      if (entry.state === 'up')
        changes.push({ serviceId, kind: 'down', state: 'offline', reason: 'forgotten' });
    }
    if (changes.length === 0) return;
    this.names.update(
      this.live().map((e) => ({ serviceId: e.serviceId, tools: e.discovery.capabilities.tools })),
    );
    for (const change of changes) {
      const log =
        change.kind === 'down' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
      log(
        { service_id: change.serviceId, change: change.kind, reason: change.reason },
        `service ${change.kind}`,
      );
    }
    this.emit('change', changes);
  }

  /** Every service ever announced (offline ones too), sorted by id. */
  list(): ServiceEntry[] {
    return [...this.entries.values()].sort((a, b) => a.serviceId.localeCompare(b.serviceId));
  }

  /** The services that answer now. */
  live(): ServiceEntry[] {
    return this.list().filter((entry) => entry.state === 'up');
  }

  get(serviceId: string): ServiceEntry | undefined {
    return this.entries.get(serviceId);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  close() {
    clearInterval(this.timer);
    this.removeAllListeners();
  }
}
