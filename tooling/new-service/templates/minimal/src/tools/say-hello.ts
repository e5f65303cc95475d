import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';

/**
 * The example tool. One defineTool per file, made by a function that receives what the tool
 * needs (settings, clients); ../service.ts lists it. Every field is described in
 * packages/mcp-mqtt-core/README.md#the-service-api.
 */
export function createSayHelloTool(options: { greeting: string }) {
  return defineTool({
    name: 'say_hello',
    // What an assistant reads to choose the tool: what it does and what it returns.
    description: 'Greets someone by name. Returns the greeting as text.',
    category: '{{id}}',
    // Made strict by the core (unknown arguments are refused) and never coerced: a wrong type
    // gets -32602 naming the argument. Describe every field: assistants and `mcp-mqtt tools` show it.
    input: z.object({
      name: z.string().min(1).max(100).describe('Who to greet, e.g. "Ada"'),
    }),
    // Scopes the caller's API key needs (-32002 without); mosquitto/{{id}}.acl declares them for the stack.
    permissions: ['{{id}}:read'],
    annotations: { title: 'Say hello', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    timeoutMs: 5_000,
    // Per caller: a burst of 20 calls, then 5 a second (-32005 with retry_after_s past it).
    rateLimit: { capacity: 20, refillPerSecond: 5 },
    // Returns an object (the result's structuredContent). A failure the caller can act on is a
    // `throw new ToolError(message)` (isError: true); any other exception is reported as a bug.
    handler: ({ name }, ctx) => {
      ctx.logger.debug({ name }, 'greeting');
      return { greeting: `${options.greeting}, ${name}!` };
    },
  });
}
