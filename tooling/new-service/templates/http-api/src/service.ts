import { defineService, type SetupContext } from '@neurhomia/mcp-mqtt-core';
import { type {{Pascal}}Config, {{Pascal}}ConfigSchema } from './config.js';
import { createGetItemTool } from './tools/get-item.js';
import { createUpstreamClient, isUpstreamFailure, type UpstreamClient } from './upstream/client.js';

/** The upstream's name in the health report (`dependencies.upstream`: ok, degraded or down). */
export const UPSTREAM = 'upstream';

/** The upstream client, its calls inside a circuit breaker; undefined when not configured. */
function connectUpstream(ctx: SetupContext<{{Pascal}}Config>): UpstreamClient | undefined {
  const { config } = ctx;
  if (!config.{{ENV}}_API_URL) {
    ctx.logger.warn('{{ENV}}_API_URL is not set: the tools will answer that no upstream is configured');
    ctx.dependencies.register(UPSTREAM, () => ({
      status: 'down',
      reason: 'not configured: set {{ENV}}_API_URL',
    }));
    return undefined;
  }
  // Reported live in health; only upstream trouble opens it (isUpstreamFailure), refusals do not.
  const breaker = ctx.dependencies.circuitBreaker(UPSTREAM, {
    isFailure: isUpstreamFailure,
    failureThreshold: config.{{ENV}}_BREAKER_FAILURES,
    resetTimeoutMs: config.{{ENV}}_BREAKER_RESET_S * 1000,
  });
  return createUpstreamClient({
    baseUrl: config.{{ENV}}_API_URL,
    apiKey: config.{{ENV}}_API_KEY,
    timeoutMs: config.{{ENV}}_HTTP_TIMEOUT_MS,
    breaker,
  });
}

/**
 * Runs once per start, before the service connects, with the parsed configuration: builds the
 * tools, and the resources and background tasks when there are some (`resources`, `tasks`:
 * packages/mcp-mqtt-core/README.md#the-service-api). It starts nothing itself: the core starts
 * the tasks once the service is announced, and unit tests call it without any broker.
 */
export function setup{{Pascal}}(ctx: SetupContext<{{Pascal}}Config>) {
  const upstream = connectUpstream(ctx);
  return {
    tools: [createGetItemTool(upstream, { cacheTtlMs: ctx.config.{{ENV}}_CACHE_TTL_S * 1000 })],
  };
}

export const {{camel}}Service = defineService({
  // The topic level mcp/{{id}}/…, the broker user, the compose service; MCP_SERVICE_ID overrides it.
  id: '{{id}}',
  name: '{{title}} Service',
  description: {{descriptionTs}},
  config: {{Pascal}}ConfigSchema,
  // Declared events (`events: ['name']`) are published with ctx.events.publish(name, payload).
  setup: setup{{Pascal}},
});
