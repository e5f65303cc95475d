import { z } from 'zod';
import { CoreConfigSchema } from '../config.js';
import { ToolError } from '../protocol/errors.js';
import { defineResource, defineService, defineTool } from '../service/define.js';

/**
 * The smallest useful service: an echo tool, a clock tool and a resource. The core's tests,
 * its benchmark and the docs use it; a real service looks the same, only with more tools.
 */
export const echo = defineTool({
  name: 'echo',
  description: 'Returns the message it is given.',
  category: 'example',
  input: z.object({ message: z.string().max(10_000).describe('Text to send back') }),
  permissions: ['example:read'],
  annotations: { readOnlyHint: true, idempotentHint: true },
  handler: ({ message }) => ({ message }),
});

export const clock = defineTool({
  name: 'clock',
  description: 'The current time in a time zone.',
  category: 'example',
  input: z.object({
    timezone: z.string().default('UTC').describe('IANA time zone, e.g. Europe/Paris'),
  }),
  permissions: ['example:read'],
  annotations: { readOnlyHint: true },
  handler: ({ timezone }) => {
    const now = new Date();
    let local: string;
    try {
      local = now.toLocaleString('sv-SE', { timeZone: timezone, hour12: false }).replace(' ', 'T');
    } catch {
      throw new ToolError(`unknown time zone "${timezone}": use an IANA name such as Europe/Paris`);
    }
    return { utc: now.toISOString(), timezone, local };
  },
});

export const aboutResource = defineResource({
  id: 'about',
  name: 'About this service',
  type: 'data',
  description: 'What the example service is for',
  read: () => ({ purpose: 'demonstrates the mcp-mqtt-core runtime', tools: ['echo', 'clock'] }),
});

export const exampleService = defineService({
  id: 'example',
  name: 'Example Service',
  version: '0.1.0',
  description: 'Echo and clock tools that demonstrate the runtime',
  config: CoreConfigSchema,
  setup: () => ({ tools: [echo, clock], resources: [aboutResource] }),
});
