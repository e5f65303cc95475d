import { CoreConfigSchema } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';

/**
 * The service's environment: the core's variables (broker, API keys, limits, logs: see
 * packages/mcp-mqtt-core/README.md#configuration) and its own, prefixed {{ENV}}_. The core reads
 * every variable of this schema from `<NAME>_FILE` too (Docker secrets), treats an empty one as
 * unset, and reports every bad one at once before the service starts.
 *
 * - Give each variable a default or make it optional: the service must start with no
 *   configuration at all (the compose stack is zero-config). A missing upstream setting becomes
 *   a tool error and a dependency state, not a crash loop.
 * - Variables are strings: convert with the core's wholeNumber() and commaList(),
 *   z.stringbool(), z.enum([…]). A rule
 *   across variables goes in .refine(…, { path, message, when: () => true }).
 */
export const {{Pascal}}ConfigSchema = CoreConfigSchema.extend({
  /** The word say_hello greets with. */
  {{ENV}}_GREETING: z.string().min(1).max(40, 'must be at most 40 characters').default('Hello'),
});

export type {{Pascal}}Config = z.infer<typeof {{Pascal}}ConfigSchema>;
