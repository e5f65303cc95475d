import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatTool } from '../../../src/cli/format/schema.js';
import { Catalog } from '../../../src/service/catalog.js';
import { defineTool } from '../../../src/service/define.js';

/** The descriptor a service publishes in tools/list: the schema as zod 4 and the core write it. */
function published(input: z.ZodObject, extra: { permissions?: string[] } = {}) {
  const tool = defineTool({ name: 'probe', description: 'A probe.', input, handler: () => ({}), ...extra });
  return new Catalog('svc', [tool], []).tools.get('probe')!.descriptor;
}

/** The line of one argument. */
function argument(input: z.ZodObject, name: string) {
  const lines = formatTool(published(input)).split('\n');
  return lines.find(
    (line) => line.trimStart().startsWith(`${name}?:`) || line.trimStart().startsWith(`${name}:`),
  );
}

describe('mcp-mqtt tools: the argument lines', () => {
  it('shows enum values, the default and the description (weather units)', () => {
    const input = z.object({
      units: z.enum(['metric', 'imperial', 'kelvin']).default('metric').describe('Unit system'),
    });
    expect(argument(input, 'units')).toBe(
      '    units?: "metric" | "imperial" | "kelvin" (default "metric") — Unit system',
    );
  });

  it('shows integer ranges and defaults, and no invented bound for a bare int()', () => {
    const input = z.object({
      days: z.number().int().min(1).max(16).default(5).describe('Number of days'),
      count: z.number().int().nonnegative(),
      any_int: z.number().int(),
      latitude: z.number().min(-90).max(90),
    });
    expect(argument(input, 'days')).toBe('    days?: integer (1–16, default 5) — Number of days');
    expect(argument(input, 'count')).toBe('    count: integer (≥ 0)');
    expect(argument(input, 'any_int')).toBe('    any_int: integer');
    expect(argument(input, 'latitude')).toBe('    latitude: number (-90 to 90)');
  });

  it('shows exclusive bounds and multiples', () => {
    const input = z.object({
      ratio: z.number().gt(0).lt(1),
      positive: z.number().positive(),
      step: z.number().multipleOf(5).max(100),
    });
    expect(argument(input, 'ratio')).toBe('    ratio: number (> 0 and < 1)');
    expect(argument(input, 'positive')).toBe('    positive: number (> 0)');
    expect(argument(input, 'step')).toBe('    step: number (≤ 100, multiple of 5)');
  });

  it('shows string lengths, patterns and formats', () => {
    const input = z.object({
      location: z.string().min(1).max(200).describe('A place'),
      code: z.string().length(2),
      slug: z.string().regex(/^[a-z-]+$/),
      email: z.email(),
    });
    expect(argument(input, 'location')).toBe('    location: string (1–200 chars) — A place');
    expect(argument(input, 'code')).toBe('    code: string (exactly 2 chars)');
    expect(argument(input, 'slug')).toBe('    slug: string (matching /^[a-z-]+$/)');
    expect(argument(input, 'email')).toBe('    email: string (format email)');
  });

  it('shows array item types, counts and per-item constraints', () => {
    const input = z.object({
      tags: z.array(z.string().max(20)).min(1).max(5),
      ids: z.array(z.number().int()).optional(),
      mixed: z.array(z.union([z.string(), z.number()])),
    });
    expect(argument(input, 'tags')).toBe('    tags: string[] (1–5 items, each ≤ 20 chars)');
    expect(argument(input, 'ids')).toBe('    ids?: integer[]');
    expect(argument(input, 'mixed')).toBe('    mixed: (string | number)[]');
  });

  it('shows nested objects briefly, one level deep', () => {
    const input = z.object({
      point: z
        .object({ lat: z.number().min(-90).max(90), lon: z.number() })
        .optional()
        .describe('Where'),
      items: z.array(z.object({ id: z.string(), deep: z.object({ x: z.number() }) })),
      scores: z.record(z.string(), z.number()),
    });
    expect(argument(input, 'point')).toBe('    point?: { lat: number (-90 to 90), lon: number } — Where');
    expect(argument(input, 'items')).toBe('    items: { id: string, deep: object }[]');
    expect(argument(input, 'scores')).toBe('    scores: { [key: string]: number }');
  });

  it('shows literals, unions, nullables, booleans and untyped values', () => {
    const input = z.object({
      mode: z.union([z.literal('a'), z.literal('b')]),
      either: z.union([z.string(), z.number()]).nullable(),
      on: z.boolean(),
      anything: z.unknown(),
    });
    expect(argument(input, 'mode')).toBe('    mode: "a" | "b"');
    expect(argument(input, 'either')).toBe('    either: string | number | null');
    expect(argument(input, 'on')).toBe('    on: boolean');
    // zod 4 lists an unknown() key as required in the input schema: shown as the schema says.
    expect(argument(input, 'anything')).toBe('    anything: any');
  });

  it('cuts long enums', () => {
    const values = Array.from({ length: 15 }, (_, i) => `v${i}`) as [string, ...string[]];
    const line = argument(z.object({ pick: z.enum(values) }), 'pick');
    expect(line).toContain('"v11" | … 3 more');
    expect(line).not.toContain('"v12"');
  });

  it('heads each tool with its name, description and required scopes', () => {
    const descriptor = published(z.object({ message: z.string() }), { permissions: ['svc:read'] });
    expect(formatTool(descriptor)).toBe('probe — A probe. [needs svc:read]\n    message: string');
    expect(formatTool(published(z.object({})))).toBe('probe — A probe.');
  });
});
