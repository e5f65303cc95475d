import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import type { UpstreamClient } from '../upstream/client.js';

/** The upstream's answer for one item, as the tool returns it (fields it does not name are dropped). */
export const ItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  updated_at: z.string(),
});
export type Item = z.infer<typeof ItemSchema>;

export const NOT_CONFIGURED =
  'No upstream configured: set {{ENV}}_API_URL (and {{ENV}}_API_KEY when it needs a key), e.g. in compose/.env';

/**
 * The example read tool: one defineTool per file, made by a function that receives what it needs
 * (here the upstream client, undefined when not configured); ../service.ts lists it. Every field
 * is described in packages/mcp-mqtt-core/README.md#the-service-api.
 */
export function createGetItemTool(upstream: UpstreamClient | undefined, options: { cacheTtlMs: number }) {
  return defineTool({
    name: 'get_item',
    // What an assistant reads to choose the tool: what it does and what it returns.
    description: 'One item of the upstream API by its id: its name, its state and when that last changed.',
    category: '{{id}}',
    // Made strict by the core (unknown arguments are refused) and never coerced: a wrong type
    // gets -32602 naming the argument. Describe every field: assistants and `mcp-mqtt tools` show it.
    input: z.object({
      id: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-", at most 64')
        .describe('The item\'s id, e.g. "kitchen"'),
    }),
    // Scopes the caller's API key needs (-32002 without); mosquitto/{{id}}.acl declares them for the stack.
    permissions: ['{{id}}:read'],
    // readOnlyHint with `cache`: while the circuit is open, a cached answer is served, marked stale.
    annotations: { title: 'Get an item', readOnlyHint: true, openWorldHint: true },
    // Above the HTTP deadline ({{ENV}}_HTTP_TIMEOUT_MS, 10 s): callers see the upstream's timeout.
    timeoutMs: 15_000,
    // Per caller: a burst of 30 calls, then 2 a second (-32005 with retry_after_s past it).
    rateLimit: { capacity: 30, refillPerSecond: 2 },
    // Identical calls running at once share one upstream request; answers are reused for a while.
    coalesce: true,
    cache: { ttlMs: options.cacheTtlMs, key: ({ id }) => id },
    // Failures are ToolErrors (isError: true, the message for the caller); an open circuit is the
    // core's -32006, which the handler does not catch.
    handler: async ({ id }, ctx): Promise<Item> => {
      if (!upstream) throw new ToolError(NOT_CONFIGURED);
      return upstream.getJson(`/items/${encodeURIComponent(id)}`, ItemSchema, ctx.signal);
    },
  });
}
