import { z } from 'zod';

/**
 * Building blocks of a service's config schema (`CoreConfigSchema.extend({…})`): environment
 * strings turned into typed values, with messages that say what is wrong. Only configuration is
 * converted like this; request arguments never are.
 */

/** A comma-separated list, blanks dropped, each entry checked by `item` (any string by default). */
export function commaList<T = string>(
  item: z.ZodType<T, string> = z.string() as unknown as z.ZodType<T, string>,
) {
  return z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
}

/** A whole number within [min, max] (of `unit`, named in the messages), `fallback` when unset. */
export function wholeNumber(
  fallback: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER, unit }: { min?: number; max?: number; unit?: string } = {},
) {
  const of = unit ? ` of ${unit}` : '';
  const suffix = unit ? ` ${unit}` : '';
  return z.coerce
    .number({ error: `must be a number${of}` })
    .int(`must be a whole number${of}`)
    .min(min, `must be at least ${min}${suffix}`)
    .max(max, `must be at most ${max}${suffix}`)
    .default(fallback);
}
