import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { boundValue, shortText } from '../format/bounds.js';
import type { HaService } from '../ha/types.js';
import { asOf, type Bridge, domainArg, haCall, READ_TIMEOUT_MS, readTool } from './common.js';

export const GET_SERVICES = 'get_services';

/** Fields of a service, sections flattened: name, required, description, example, selector type. */
function fieldsOf(service: HaService) {
  const fields: Record<string, unknown>[] = [];
  const visit = (entries: Record<string, Record<string, unknown>>) => {
    for (const [name, field] of Object.entries(entries)) {
      if (field.fields && typeof field.fields === 'object') {
        visit(field.fields as Record<string, Record<string, unknown>>);
        continue;
      }
      const selector =
        field.selector && typeof field.selector === 'object' ? Object.keys(field.selector)[0] : undefined;
      fields.push({
        field: name,
        ...(field.required ? { required: true } : {}),
        ...(typeof field.description === 'string' ? { description: shortText(field.description) } : {}),
        ...(field.example !== undefined ? { example: boundValue(field.example) } : {}),
        ...(selector ? { type: selector } : {}),
      });
    }
  };
  visit(service.fields ?? {});
  return fields.slice(0, 40);
}

function responseKind(service: HaService): 'none' | 'optional' | 'only' {
  if (!service.response) return 'none';
  return service.response.optional ? 'optional' : 'only';
}

/**
 * The service list: without a domain, only the names per domain (Home Assistant's full list is
 * hundreds of KB); with one, each service's description, fields and whether it takes a target.
 */
export function createGetServicesTool(bridge: Bridge) {
  return defineTool({
    name: GET_SERVICES,
    description:
      'Services (actions) Home Assistant offers. Without `domain`: the service names of every domain. With ' +
      "`domain`: each service's description, fields (required ones marked), whether it takes a target and " +
      'whether it can return a response. Use before call_service.',
    ...readTool(bridge, 'Services', 'medium'),
    input: z.object({
      domain: domainArg.optional().describe('A domain for details: light, climate, notify…'),
    }),
    cache: { ttlMs: bridge.config.HA_CACHE_SERVICES_TTL_S * 1000, key: (args) => args.domain ?? '*' },
    handler: async (args, ctx) => {
      const all = (await bridge.api.services(haCall(ctx, READ_TIMEOUT_MS)))
        .filter((entry) => bridge.exposure.domainVisible(entry.domain))
        .sort((a, b) => a.domain.localeCompare(b.domain));
      if (args.domain === undefined) {
        return {
          count: all.length,
          domains: all.map((entry) => ({
            domain: entry.domain,
            services: Object.keys(entry.services).sort(),
          })),
          hint: 'get_services with a domain gives the fields of its services',
          as_of: asOf(),
        };
      }
      const entry = all.find((candidate) => candidate.domain === args.domain);
      if (!entry) {
        throw new ToolError(`no services in domain ${args.domain}`, { data: { domain: args.domain } });
      }
      return {
        domain: entry.domain,
        services: Object.entries(entry.services)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([service, details]) => ({
            service,
            ...(details.name ? { name: details.name } : {}),
            ...(details.description ? { description: shortText(details.description, 300) } : {}),
            target: details.target !== undefined && details.target !== null,
            response: responseKind(details),
            fields: fieldsOf(details),
          })),
        as_of: asOf(),
      };
    },
  });
}
