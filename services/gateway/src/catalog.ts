import { ErrorCode, type Logger, type ToolDescriptor } from '@neurhomia/mcp-mqtt-core';
import { type McpMqttClient, RemoteError } from '@neurhomia/mcp-mqtt-core/client';
import { LRUCache } from 'lru-cache';
import type { Caller } from './http/caller.js';
import type { Registry } from './mqtt/registry.js';

/** A tool as the gateway's clients see it: the MCP fields, plus where it comes from. */
export interface GatewayTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  _meta: {
    'neurhomia/service': string;
    'neurhomia/tool': string;
    'neurhomia/permissions'?: readonly string[];
  };
}

export interface GatewayResource {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
  _meta: { 'neurhomia/service': string };
}

/** How one service answered a caller's listing. */
export interface ServiceListing<T> {
  serviceId: string;
  /** `refused`: the service does not know the caller's key (-32001); `failed`: no usable answer. */
  outcome: 'ok' | 'refused' | 'failed';
  items: T[];
  error?: string;
  fetchedAt: number;
}

export interface Listing<T> {
  items: T[];
  services: ServiceListing<T>[];
  /** Every part came from the cache. */
  cached: boolean;
  /** When the oldest part stops being reused (ms since epoch). */
  expiresAt: number;
}

/**
 * What a key is worth, from the live services' own answers: `refused` when every live service
 * refused it as unknown, `unknown` when no live service gave a usable answer (none running).
 */
export type Verdict = 'accepted' | 'refused' | 'unknown';

type Kind = 'tools' | 'resources';
interface Entry {
  listing: ServiceListing<GatewayTool | GatewayResource>;
  generation: number;
}

/**
 * The tools and resources each caller may see: `tools/list` and `resources/list` of every live
 * service, asked with the caller's own key (the service decides), merged and renamed. Answers
 * are kept per key and service until the service changes (a new generation) or `ttlMs` passes;
 * concurrent askers of the same list share one request.
 */
export class Catalog {
  private readonly cache: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly verdicts = new LRUCache<string, Verdict>({ max: 1000 });

  constructor(
    private readonly registry: Registry,
    private readonly client: McpMqttClient,
    private readonly options: { ttlMs: number; timeoutMs: number; logger: Logger },
  ) {
    this.cache = new LRUCache({ max: 5000 });
  }

  tools(caller: Caller, maxAgeMs = this.options.ttlMs): Promise<Listing<GatewayTool>> {
    return this.listing('tools', caller, maxAgeMs) as Promise<Listing<GatewayTool>>;
  }

  resources(caller: Caller, maxAgeMs = this.options.ttlMs): Promise<Listing<GatewayResource>> {
    return this.listing('resources', caller, maxAgeMs) as Promise<Listing<GatewayResource>>;
  }

  /**
   * Whether the live services know this key (their answers to its tool listing). With no live
   * service to ask, the last definite verdict on the key stands.
   */
  async verdict(caller: Caller): Promise<Verdict> {
    const { services } = await this.tools(caller);
    let verdict: Verdict = 'unknown';
    if (services.some((s) => s.outcome === 'ok')) verdict = 'accepted';
    else if (services.length > 0 && services.every((s) => s.outcome === 'refused')) verdict = 'refused';
    if (verdict === 'unknown') return this.verdicts.get(caller.digest) ?? 'unknown';
    this.verdicts.set(caller.digest, verdict);
    return verdict;
  }

  private async listing(kind: Kind, caller: Caller, maxAgeMs: number) {
    const { digest, apiKey } = caller;
    const now = Date.now();
    const parts = await Promise.all(
      this.registry.live().map(async (service) => {
        const key = `${digest}\u0000${service.serviceId}\u0000${kind}`;
        const hit = this.cache.get(key);
        if (hit && hit.generation === service.generation && now - hit.listing.fetchedAt <= maxAgeMs) {
          return { entry: hit, cached: true };
        }
        let running = this.inFlight.get(key);
        if (!running) {
          running = this.fetch(kind, service.serviceId, service.generation, apiKey).finally(() =>
            this.inFlight.delete(key),
          );
          this.inFlight.set(key, running);
        }
        const entry = await running;
        // A failure is not kept: the next listing asks again.
        if (entry.listing.outcome !== 'failed') this.cache.set(key, entry);
        return { entry, cached: false };
      }),
    );
    const services = parts.map((p) => p.entry.listing);
    return {
      items: services.flatMap((s) => s.items),
      services,
      cached: parts.length > 0 && parts.every((p) => p.cached),
      expiresAt: Math.min(now + this.options.ttlMs, ...services.map((s) => s.fetchedAt + this.options.ttlMs)),
    };
  }

  private async fetch(kind: Kind, serviceId: string, generation: number, apiKey: string | undefined) {
    const fetchedAt = Date.now();
    try {
      const result = await this.client.request(
        serviceId,
        `${kind}/list`,
        {},
        {
          apiKey,
          timeoutMs: this.options.timeoutMs,
        },
      );
      const items =
        kind === 'tools'
          ? ((result as { tools?: ToolDescriptor[] }).tools ?? []).map((t) => this.toTool(serviceId, t))
          : ((result as { resources?: RawResource[] }).resources ?? []).map((r) => toResource(serviceId, r));
      return { listing: { serviceId, outcome: 'ok' as const, items, fetchedAt }, generation };
    } catch (err) {
      const refused = err instanceof RemoteError && err.code === ErrorCode.Unauthorized;
      if (!refused) this.options.logger.warn({ service_id: serviceId, err }, `${kind}/list failed`);
      return {
        listing: {
          serviceId,
          outcome: refused ? ('refused' as const) : ('failed' as const),
          items: [],
          error: (err as Error).message,
          fetchedAt,
        },
        generation,
      };
    }
  }

  private toTool(serviceId: string, tool: ToolDescriptor): GatewayTool {
    const title = tool.annotations?.title;
    return {
      name: this.registry.names.nameOf({ serviceId, tool: tool.name }),
      ...(typeof title === 'string' ? { title } : {}),
      description: tool.description,
      inputSchema: { type: 'object', ...tool.inputSchema },
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
      _meta: {
        'neurhomia/service': serviceId,
        'neurhomia/tool': tool.name,
        ...(tool.permissions ? { 'neurhomia/permissions': tool.permissions } : {}),
      },
    };
  }
}

interface RawResource {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

function toResource(serviceId: string, resource: RawResource): GatewayResource {
  return {
    uri: resource.uri,
    name: resource.name,
    ...(resource.description ? { description: resource.description } : {}),
    ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
    _meta: { 'neurhomia/service': serviceId },
  };
}
