import { defineService, type SetupContext } from '@neurhomia/mcp-mqtt-core';
import { type {{Pascal}}Config, {{Pascal}}ConfigSchema } from './config.js';
import { createSayHelloTool } from './tools/say-hello.js';

/**
 * Runs once per start, before the service connects, with the parsed configuration: builds the
 * tools, and the resources and background tasks when there are some (`resources`, `tasks`:
 * packages/mcp-mqtt-core/README.md#the-service-api). It starts nothing itself: the core starts
 * the tasks once the service is announced, and unit tests call it without any broker.
 */
export function setup{{Pascal}}(ctx: SetupContext<{{Pascal}}Config>) {
  return {
    tools: [createSayHelloTool({ greeting: ctx.config.{{ENV}}_GREETING })],
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
