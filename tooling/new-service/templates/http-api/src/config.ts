import { CoreConfigSchema, wholeNumber } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';

/**
 * The service's environment: the core's variables (broker, API keys, limits, logs: see
 * packages/mcp-mqtt-core/README.md#configuration) and its own, prefixed {{ENV}}_. The core reads
 * every variable of this schema from `<NAME>_FILE` too (Docker secrets), treats an empty one as
 * unset, and reports every bad one at once before the service starts.
 *
 * - Every variable has a default or is optional: the service starts with no configuration at
 *   all (the compose stack is zero-config). Without {{ENV}}_API_URL its tools answer what to set
 *   and health reports the upstream `down` with that reason: a tool error, not a crash loop.
 * - Variables are strings: convert with the core's wholeNumber() and commaList(),
 *   z.stringbool(), z.enum([…]). A rule
 *   across variables goes in .refine(…, { path, message, when: () => true }).
 */
export const {{Pascal}}ConfigSchema = CoreConfigSchema.extend({
  /** The upstream API's root, e.g. https://api.example.com/v1 (paths such as /items/{id} are appended). */
  {{ENV}}_API_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+\S*$/, 'must be an http(s) URL')
    .optional(),
  /** Secret, sent as `Authorization: Bearer …`: also read from {{ENV}}_API_KEY_FILE, never logged. */
  {{ENV}}_API_KEY: z.string().min(1).optional(),
  /** Deadline of one upstream request, headers and body. */
  {{ENV}}_HTTP_TIMEOUT_MS: wholeNumber(10_000, { min: 100, max: 120_000, unit: 'ms' }),
  /** How long get_item's answers are reused. */
  {{ENV}}_CACHE_TTL_S: wholeNumber(60, { max: 86_400, unit: 's' }),
  /** Consecutive upstream failures (5xx, timeouts, network, unreadable answers) that open the circuit. */
  {{ENV}}_BREAKER_FAILURES: wholeNumber(5, { max: 1_000 }),
  /** How long the circuit stays open before one trial call. */
  {{ENV}}_BREAKER_RESET_S: wholeNumber(30, { max: 3_600, unit: 's' }),
});

export type {{Pascal}}Config = z.infer<typeof {{Pascal}}ConfigSchema>;
