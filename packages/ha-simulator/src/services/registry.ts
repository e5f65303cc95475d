/**
 * The service registry (homeassistant/core.py ServiceRegistry.async_call with blocking=True): the
 * checks come in Home Assistant's order — unknown service, response flags, schema — then the
 * `call_service` event, then the handler; the call resolves when the handler is done.
 */
import { HomeAssistantError, RESPONSE_NOT_SUPPORTED, RESPONSE_REQUIRED, ServiceNotFound } from '../errors.js';
import type { Context, EventBus } from '../event-bus.js';
import type { Validator } from '../validation.js';

export type SupportsResponse = 'none' | 'optional' | 'only';
export type ServiceResponse = Record<string, unknown>;

export type ServiceCall = {
  domain: string;
  service: string;
  data: Record<string, unknown>;
  context: Context;
  returnResponse: boolean;
};

/** A service's entry in `get_services` (helpers/service.py async_get_all_descriptions). */
export type ServiceDescription = {
  name: string;
  description: string;
  fields: Record<string, unknown>;
  target?: Record<string, unknown>;
};

export type ServiceDefinition = {
  schema: Validator<Record<string, unknown>> | null;
  supportsResponse: SupportsResponse;
  description: ServiceDescription;
  handler: (call: ServiceCall) => Promise<ServiceResponse | undefined> | ServiceResponse | undefined;
};

export class ServiceRegistry {
  private readonly services = new Map<string, Map<string, ServiceDefinition>>();

  constructor(private readonly bus: EventBus) {}

  register(domain: string, service: string, definition: ServiceDefinition): void {
    const d = domain.toLowerCase();
    const s = service.toLowerCase();
    let byService = this.services.get(d);
    if (!byService) {
      byService = new Map();
      this.services.set(d, byService);
    }
    byService.set(s, definition);
    this.bus.fire('service_registered', { domain: d, service: s });
  }

  remove(domain: string, service: string): void {
    const byService = this.services.get(domain);
    if (!byService?.delete(service)) return;
    if (byService.size === 0) this.services.delete(domain);
    this.bus.fire('service_removed', { domain, service });
  }

  get(domain: string, service: string): ServiceDefinition | undefined {
    return this.services.get(domain.toLowerCase())?.get(service.toLowerCase());
  }

  has(domain: string, service: string): boolean {
    return this.get(domain, service) !== undefined;
  }

  supportsResponse(domain: string, service: string): SupportsResponse {
    return this.get(domain, service)?.supportsResponse ?? 'none';
  }

  /** Descriptions by domain then service, with `response` for services that give one. */
  descriptions(): Record<string, Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [domain, byService] of this.services) {
      const services: Record<string, Record<string, unknown>> = {};
      for (const [name, def] of byService) {
        const entry: Record<string, unknown> = {
          name: def.description.name,
          description: def.description.description,
          fields: def.description.fields,
        };
        if (def.description.target) entry.target = def.description.target;
        if (def.supportsResponse !== 'none')
          entry.response = { optional: def.supportsResponse === 'optional' };
        services[name] = entry;
      }
      out[domain] = services;
    }
    return out;
  }

  async call(
    domain: string,
    service: string,
    serviceData: Record<string, unknown> | null,
    {
      context,
      returnResponse = false,
      target,
    }: { context: Context; returnResponse?: boolean; target?: Record<string, unknown> },
  ): Promise<ServiceResponse | null> {
    const d = domain.toLowerCase();
    const s = service.toLowerCase();
    const handler = this.get(d, s);
    if (!handler) throw new ServiceNotFound(d, s);
    if (returnResponse) {
      if (handler.supportsResponse === 'none') throw RESPONSE_NOT_SUPPORTED();
    } else if (handler.supportsResponse === 'only') {
      throw RESPONSE_REQUIRED();
    }
    const data = { ...(serviceData ?? {}), ...(target ?? {}) };
    const processed = handler.schema ? handler.schema(data, []) : data;
    const call: ServiceCall = { domain: d, service: s, data: processed, context, returnResponse };
    this.bus.fire('call_service', { domain: d, service: s, service_data: data }, { context });
    const response = await handler.handler(call);
    if (!returnResponse) return null;
    if (typeof response !== 'object' || response === null || Array.isArray(response)) {
      throw new HomeAssistantError(
        `Failed to process the returned action response data, expected a dictionary, but got ${typeof response}.`,
        {
          domain: 'homeassistant',
          key: 'service_reponse_invalid',
          placeholders: { response_data_type: typeof response },
        },
      );
    }
    return response;
  }
}
