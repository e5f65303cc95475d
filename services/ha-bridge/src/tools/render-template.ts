import { defineTool } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { HA_ADMIN } from '../policy/sensitive.js';
import { type Bridge, CATEGORY, haCall, READ_ANNOTATIONS, READ_TIMEOUT_MS, rateLimit } from './common.js';

const MAX_RESULT_CHARS = 16 * 1024;

/**
 * Renders a Jinja template in Home Assistant. A template reads any entity, hidden ones included,
 * so the tool needs ha:admin.
 */
export function createRenderTemplateTool(bridge: Bridge) {
  return defineTool({
    name: 'render_template',
    description:
      'Render a Home Assistant template (Jinja), e.g. "{{ states(\'sensor.outdoor_temperature\') }}" or ' +
      "\"{{ states.light | selectattr('state','eq','on') | list | count }}\". Needs the ha:admin scope: a " +
      'template can read every entity.',
    category: CATEGORY,
    input: z.object({ template: z.string().min(1).max(8_192).describe('The template text') }),
    permissions: [HA_ADMIN],
    annotations: { ...READ_ANNOTATIONS, title: 'Render a template' },
    priority: 'low',
    timeoutMs: READ_TIMEOUT_MS,
    rateLimit: rateLimit(bridge.config),
    uses: bridge.breaker,
    handler: async (args, ctx) => {
      const text = await bridge.api.renderTemplate(args.template, haCall(ctx, READ_TIMEOUT_MS));
      const truncated = text.length > MAX_RESULT_CHARS;
      return {
        result: truncated ? text.slice(0, MAX_RESULT_CHARS) : text,
        ...(truncated ? { truncated: true, length: text.length } : {}),
      };
    },
  });
}
