import { ErrorCode, type Logger, RpcError } from '@neurhomia/mcp-mqtt-core';
import type { ContainerIdentity } from '../docker/containers.js';
import type { Engine } from '../docker/engine.js';
import { type BrokerAddress, findBrokerContainers } from './broker.js';
import { globToRegExp, type LabelRule, matchesLabel, matchingGlob } from './scope.js';
import type { SelfEvidence } from './self.js';

export interface SafetyOptions {
  allowLabel: LabelRule;
  allowNames: readonly string[];
  protectNames: readonly string[];
  /** The broker as MQTT_URL names it; undefined when it cannot be parsed. */
  broker: BrokerAddress | undefined;
  self: SelfEvidence;
}

/** Protected containers at one moment: full id → why. */
export type Protection = ReadonlyMap<string, string>;

/**
 * The rules a mutating call on a container passes, in this order:
 * 1. protected — this service's own container, the broker it is connected to, and names matching
 *    DOCKER_PROTECT_NAMES — are refused whatever their labels or names say (reason `protected`);
 * 2. manageable — the DOCKER_ALLOW_LABEL label or a name matching DOCKER_ALLOW_NAMES — or refused
 *    (reason `not_manageable`).
 * Both refusals are -32002 and happen before the engine is asked to change anything.
 */
export class SafetyPolicy {
  private readonly allowPatterns: RegExp[];
  private readonly protectPatterns: RegExp[];
  /** Confirmed from the hostname by the engine, once: a container's id never changes. */
  private selfFromHostname: string | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly options: SafetyOptions,
    private readonly logger: Logger,
  ) {
    this.allowPatterns = options.allowNames.map(globToRegExp);
    this.protectPatterns = options.protectNames.map(globToRegExp);
  }

  manageable(container: ContainerIdentity): boolean {
    return (
      matchesLabel(this.options.allowLabel, container.labels) ||
      matchingGlob(this.allowPatterns, this.options.allowNames, container.name) !== undefined
    );
  }

  /** How a container becomes manageable, for messages and the widget. */
  describeScope(): string {
    const rule = this.options.allowLabel;
    const label = rule
      ? `the label ${rule.key}${rule.value === undefined ? '' : `=${rule.value}`}`
      : undefined;
    const names = this.options.allowNames.length
      ? `a name matching DOCKER_ALLOW_NAMES (${this.options.allowNames.join(', ')})`
      : undefined;
    return (
      [label, names].filter(Boolean).join(' or ') ||
      'nothing (DOCKER_ALLOW_LABEL=none and DOCKER_ALLOW_NAMES empty)'
    );
  }

  /** Which running containers are protected now, and why (one engine list, one DNS lookup). */
  async protection(signal?: AbortSignal): Promise<Protection> {
    const running = await this.engine.call(
      (docker) => docker.listContainers({ all: false, abortSignal: signal }),
      signal,
    );
    const reasons = new Map<string, string>();
    for (const id of await this.selfIds(signal)) reasons.set(id, "this service's own container");
    if (this.options.broker) {
      const match = await findBrokerContainers(this.options.broker, running);
      const how = { address: 'by its address', published_port: 'by its published port', name: 'by name' };
      for (const id of match.ids) {
        if (!reasons.has(id) && match.how !== 'none')
          reasons.set(id, `the MQTT broker this service is connected to (found ${how[match.how]})`);
      }
    }
    return reasons;
  }

  /** Why `container` is protected (given a snapshot), or undefined. */
  protectedReason(container: ContainerIdentity, protection: Protection): string | undefined {
    const found = protection.get(container.id);
    if (found) return found;
    const pattern = matchingGlob(this.protectPatterns, this.options.protectNames, container.name);
    return pattern === undefined ? undefined : `its name matches DOCKER_PROTECT_NAMES pattern "${pattern}"`;
  }

  /** Throws the -32002 refusal of a mutating call on `container`, or returns. */
  async assertMutable(container: ContainerIdentity, signal?: AbortSignal): Promise<void> {
    const why = this.protectedReason(container, await this.protection(signal));
    if (why) {
      throw new RpcError(
        ErrorCode.Forbidden,
        `Forbidden: container "${container.name}" is protected: ${why}`,
        {
          reason: 'protected',
          id: container.id.slice(0, 12),
          name: container.name,
          detail: why,
        },
      );
    }
    if (!this.manageable(container)) {
      throw new RpcError(
        ErrorCode.Forbidden,
        `Forbidden: container "${container.name}" is not manageable: it needs ${this.describeScope()}`,
        { reason: 'not_manageable', id: container.id.slice(0, 12), name: container.name },
      );
    }
  }

  /**
   * This process's container: the ids /proc gave, else the hostname when the engine confirms that
   * the container with that id prefix carries this hostname.
   */
  private async selfIds(signal?: AbortSignal): Promise<string[]> {
    const { ids, hostnamePrefix } = this.options.self;
    if (ids.length > 0) return ids;
    if (this.selfFromHostname) return [this.selfFromHostname];
    if (!hostnamePrefix) return [];
    try {
      const info = await this.engine.call(
        (docker) => docker.getContainer(hostnamePrefix).inspect({ abortSignal: signal }),
        signal,
      );
      if (info.Id.startsWith(hostnamePrefix) && info.Config?.Hostname === hostnamePrefix) {
        this.selfFromHostname = info.Id;
        this.logger.info({ container: info.Id.slice(0, 12) }, 'own container found by hostname');
        return [info.Id];
      }
    } catch {
      // Not a container of this engine (or the engine is away: the call that needs it fails anyway).
    }
    return [];
  }
}
