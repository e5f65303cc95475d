import {
  CoreConfigSchema,
  defineResource,
  defineService,
  defineTool,
  ToolError,
} from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';

/** A tool name that does not fit `{service}__{tool}` in 64 characters: the gateway shortens it. */
export const LONG_TOOL = 'summarise_the_state_of_every_sensor_in_the_house_for_the_morning_report';

/**
 * The service the gateway's tests run behind it: a read tool, an admin tool (scopes), a slow one
 * (timeouts, cancellation), one that fails as a tool does, a name with a dot and one too long for
 * the gateway's naming, one that publishes an event, and a resource.
 */
export function fixtureService(id: string) {
  return defineService({
    id,
    name: `Fixture ${id}`,
    version: '1.2.3',
    description: 'Tools for the gateway tests',
    config: CoreConfigSchema,
    events: ['doorbell'],
    setup: ({ events }) => ({
      tools: [
        defineTool({
          name: 'ring',
          description: 'Publishes a doorbell event.',
          input: z.object({ door: z.string().max(50) }),
          permissions: ['fixture:read'],
          handler: async ({ door }) => {
            await events.publish('doorbell', { door });
            return { rang: door };
          },
        }),
        defineTool({
          name: 'echo',
          description: 'Returns the message it is given.',
          input: z.object({ message: z.string().max(1000).describe('Text to send back') }),
          permissions: ['fixture:read'],
          annotations: { readOnlyHint: true, title: 'Echo' },
          handler: ({ message }) => ({ message }),
        }),
        defineTool({
          name: 'context',
          description: 'What the service knows of the call: priority and caller.',
          input: z.object({}),
          permissions: ['fixture:read'],
          handler: (_args, { priority, caller }) => ({
            priority,
            key_id: caller.keyId ?? null,
            owner: caller.owner ?? null,
          }),
        }),
        defineTool({
          name: 'reset',
          description: 'Pretends to reset the house.',
          input: z.object({ confirm: z.boolean() }),
          permissions: ['fixture:admin'],
          annotations: { destructiveHint: true },
          handler: ({ confirm }) => ({ reset: confirm }),
        }),
        defineTool({
          name: 'slow',
          description: 'Answers after `ms` milliseconds, or stops when cancelled.',
          input: z.object({ ms: z.number().int().min(0).max(60_000) }),
          permissions: ['fixture:read'],
          handler: async ({ ms }, { signal }) => {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, ms);
              signal.addEventListener('abort', () => {
                clearTimeout(timer);
                reject(signal.reason);
              });
            });
            return { waited_ms: ms };
          },
        }),
        defineTool({
          name: 'fail',
          description: 'Always fails the way a tool does (isError).',
          input: z.object({}),
          permissions: ['fixture:read'],
          handler: () => {
            throw new ToolError('the fixture always fails', { retryAfterS: 7 });
          },
        }),
        defineTool({
          name: 'get.status',
          description: 'A tool name with a dot.',
          input: z.object({}),
          permissions: ['fixture:read'],
          handler: () => ({ status: 'fine' }),
        }),
        defineTool({
          name: LONG_TOOL,
          description: 'A tool name too long for {service}__{tool} in 64 characters.',
          input: z.object({}),
          permissions: ['fixture:read'],
          handler: () => ({ report: 'all quiet' }),
        }),
      ],
      resources: [
        defineResource({
          id: 'about',
          name: 'About the fixture',
          type: 'data',
          permissions: ['fixture:read'],
          read: () => ({ purpose: 'gateway tests' }),
        }),
      ],
    }),
  });
}
