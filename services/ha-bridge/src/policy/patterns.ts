import type { z } from 'zod';

/** Entity ids are `domain.object_id`, lower case letters, digits and underscores. */
export const ENTITY_ID = /^[a-z0-9_]+\.[a-z0-9_]+$/;

/**
 * A list of entity patterns, as HA_DENY_ENTITIES and HA_EVENT_FILTER take them: a domain
 * (`light`), an entity id (`lock.front_door`) or a glob where `*` stands for any characters
 * (`sensor.*_battery`, `*.garage_*`).
 */
export class EntityPatterns {
  private readonly domains = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly globs: RegExp[] = [];

  constructor(readonly source: readonly string[]) {
    for (const item of source) {
      if (!item.includes('.') && !item.includes('*')) this.domains.add(item);
      else if (!item.includes('*')) this.ids.add(item);
      else this.globs.push(new RegExp(`^${item.replaceAll('.', '\\.').replaceAll('*', '.*')}$`));
    }
  }

  get empty(): boolean {
    return this.source.length === 0;
  }

  matches(entityId: string): boolean {
    if (this.ids.has(entityId)) return true;
    const dot = entityId.indexOf('.');
    if (dot > 0 && this.domains.has(entityId.slice(0, dot))) return true;
    return this.globs.some((glob) => glob.test(entityId));
  }
}

/** Validates each item (refusing what could never match an entity id) and builds the matcher. */
export function parseEntityPatterns(items: readonly string[], ctx: z.RefinementCtx): EntityPatterns {
  const valid: string[] = [];
  for (const raw of items) {
    const item = raw.toLowerCase();
    if (/^[a-z0-9_.*]+$/.test(item) && !item.startsWith('.') && !item.endsWith('.')) valid.push(item);
    else
      ctx.addIssue({
        code: 'custom',
        message: `"${raw}" is not a domain, an entity id or a glob (letters, digits, _ . and *)`,
      });
  }
  return new EntityPatterns(valid);
}
