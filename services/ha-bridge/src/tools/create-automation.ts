import { randomInt } from 'node:crypto';
import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { writeRefused } from '../ha/api.js';
import { HA_ADMIN } from '../policy/sensitive.js';
import { type Bridge, CATEGORY, haCall, LONG_TIMEOUT_MS, rateLimit, WRITE_ANNOTATIONS } from './common.js';

/** A large automation is a few KB; this bounds what is written into Home Assistant's automations.yaml. */
const MAX_CONFIG_CHARS = 32 * 1024;

const steps = z.union([
  z.record(z.string(), z.unknown()),
  z.array(z.record(z.string(), z.unknown())).min(1).max(100),
]);

/** Home Assistant's automation config (config/automation.py); both the 2024.10+ and older keys. */
const AutomationSchema = z
  .looseObject({
    alias: z.string().min(1).max(255),
    description: z.string().max(2_000).optional(),
    mode: z.enum(['single', 'restart', 'queued', 'parallel']).optional(),
    triggers: steps.optional(),
    trigger: steps.optional(),
    conditions: steps.optional(),
    condition: steps.optional(),
    actions: steps.optional(),
    action: steps.optional(),
  })
  .refine((config) => config.triggers !== undefined || config.trigger !== undefined, {
    message: 'needs triggers',
    path: ['triggers'],
  })
  .refine((config) => config.actions !== undefined || config.action !== undefined, {
    message: 'needs actions',
    path: ['actions'],
  })
  .refine(
    (config) => JSON.stringify(config).length <= MAX_CONFIG_CHARS,
    `must be under ${MAX_CONFIG_CHARS} characters as JSON`,
  );

const InputSchema = z.object({
  config: AutomationSchema.describe(
    'The automation: {"alias": "Porch light at sunset", "triggers": [{"trigger": "sun", "event": "sunset"}], ' +
      '"actions": [{"action": "light.turn_on", "target": {"entity_id": "light.entrance_porch"}}], "mode": "single"}',
  ),
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional()
    .describe('Replace the automation with this config id (default: a new id)'),
});

/** What Home Assistant's frontend uses for a new automation's id: the time, in ms (plus a little noise). */
function newAutomationId(): string {
  return `${Date.now()}${randomInt(100, 1000)}`;
}

/**
 * Writes an automation into Home Assistant's configuration (the editor's API), which reloads
 * automations, then answers with the new entity. An automation can act on any entity, hidden and
 * sensitive ones included: the tool needs ha:admin.
 */
export function createCreateAutomationTool(bridge: Bridge, listTools: readonly string[]) {
  return defineTool({
    name: 'create_automation',
    description:
      'Create an automation (or replace one by config id): alias, triggers, optional conditions, actions, mode ' +
      "— Home Assistant's automation YAML as JSON. Home Assistant validates and loads it; the answer names the " +
      'new automation entity. Needs the ha:admin scope.',
    category: CATEGORY,
    input: InputSchema,
    permissions: [HA_ADMIN],
    annotations: { ...WRITE_ANNOTATIONS, title: 'Create an automation' },
    priority: 'low',
    timeoutMs: LONG_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    // One configuration write at a time: Home Assistant rewrites automations.yaml and reloads.
    serialize: () => 'automation:config',
    uses: bridge.breaker,
    handler: async (args, ctx) => {
      if (!bridge.exposure.domainVisible('automation')) {
        throw new ToolError('automations are not exposed (HA_ALLOW_DOMAINS does not include automation)');
      }
      const id = args.id ?? newAutomationId();
      const call = haCall(ctx, LONG_TIMEOUT_MS);
      try {
        await bridge.api.saveAutomation(id, args.config, call);
      } catch (error) {
        throw writeRefused(error, bridge.rest.lastFailure ?? bridge.link.reason);
      }
      // Entities appeared (or an alias changed): every cached list may be out of date.
      bridge.index.reset(listTools);
      const created = (await bridge.api.states(call)).find(
        (state) => state.entity_id.startsWith('automation.') && state.attributes.id === id,
      );
      if (created) {
        bridge.freshness.markWritten([created.entity_id]);
        bridge.index.changed([created.entity_id]);
      }
      return {
        ok: true,
        id,
        ...(created
          ? { entity_id: created.entity_id, state: created.state }
          : { note: 'saved; the automation entity is not loaded yet' }),
      };
    },
  });
}
