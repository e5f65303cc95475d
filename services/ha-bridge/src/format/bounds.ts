/** Longest string kept in an answer (an attribute, a service response field). */
const MAX_STRING = 500;
/** Longest list kept in an answer. */
const MAX_ITEMS = 50;
/** Deepest nesting kept. */
const MAX_DEPTH = 6;

/**
 * A copy of `value` small enough to answer with: long strings cut with "…", long lists cut with
 * a note of how many items were left out, deep nesting replaced by a placeholder.
 */
export function boundValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((item) => boundValue(item, depth + 1));
    if (value.length > MAX_ITEMS) kept.push(`… ${value.length - MAX_ITEMS} more`);
    return kept;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const bounded: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, MAX_ITEMS)) bounded[key] = boundValue(item, depth + 1);
  if (entries.length > MAX_ITEMS) bounded['…'] = `${entries.length - MAX_ITEMS} more keys`;
  return bounded;
}

/** A text cut to `max` characters, for descriptions in lists. */
export function shortText(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The first `limit` items and whether some were left out. */
export function page<T>(
  items: readonly T[],
  limit: number,
): { items: T[]; total: number; truncated: boolean } {
  return { items: items.slice(0, limit), total: items.length, truncated: items.length > limit };
}

/** What an entity list may weigh in an answer: well under the core's 256 KiB answer limit. */
export const LIST_BUDGET_CHARS = 128 * 1024;

/**
 * The first items whose JSON fits in `maxChars` (at least one): a list of entities with long
 * attributes is cut by size as well as by count.
 */
export function fitWithin<T>(
  items: readonly T[],
  maxChars = LIST_BUDGET_CHARS,
): { items: T[]; cut: boolean } {
  let used = 0;
  const kept: T[] = [];
  for (const item of items) {
    used += JSON.stringify(item).length + 1;
    if (used > maxChars && kept.length > 0) return { items: kept, cut: true };
    kept.push(item);
  }
  return { items: kept, cut: false };
}
