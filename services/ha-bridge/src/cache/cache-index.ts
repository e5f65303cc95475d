import type { ToolCache } from '@neurhomia/mcp-mqtt-core';
import { LRUCache } from 'lru-cache';

/** Cached answers tracked at once; older ones are forgotten first (the core's cache holds 1000). */
const MAX_TRACKED = 2_000;

/**
 * Which cached tool answers show which entity, so that a change to one entity drops exactly the
 * answers that show it (a light switched in the kitchen drops `get_entities(domain=light)`, not
 * `get_entities(domain=sensor)`). A tool records an answer's entities when it computes it, under
 * the cache key the core stores it with.
 */
export class CacheIndex {
  private readonly byEntity = new Map<string, Set<string>>();
  private readonly answers: LRUCache<string, readonly string[]>;

  constructor(private readonly cache: ToolCache) {
    this.answers = new LRUCache({
      max: MAX_TRACKED,
      dispose: (entityIds, answer) => this.unlink(answer, entityIds),
    });
  }

  record(tool: string, key: string, entityIds: Iterable<string>): void {
    const answer = `${tool}\u0000${key}`;
    const ids = [...new Set(entityIds)];
    this.answers.set(answer, ids);
    for (const id of ids) {
      let answers = this.byEntity.get(id);
      if (!answers) {
        answers = new Set();
        this.byEntity.set(id, answers);
      }
      answers.add(answer);
    }
  }

  /** Drops the cached answers that show any of these entities; returns how many. */
  changed(entityIds: Iterable<string>): number {
    const answers = new Set<string>();
    for (const id of entityIds) for (const answer of this.byEntity.get(id) ?? []) answers.add(answer);
    let dropped = 0;
    for (const answer of answers) {
      const separator = answer.indexOf('\u0000');
      dropped += this.cache.invalidate(answer.slice(0, separator), answer.slice(separator + 1));
      this.answers.delete(answer);
    }
    return dropped;
  }

  /** Drops every answer of these tools (entities appeared or vanished, areas moved). */
  reset(tools: readonly string[]): void {
    for (const tool of tools) {
      this.cache.invalidate(tool);
      const prefix = `${tool}\u0000`;
      for (const answer of [...this.answers.keys()])
        if (answer.startsWith(prefix)) this.answers.delete(answer);
    }
  }

  private unlink(answer: string, entityIds: readonly string[]) {
    for (const id of entityIds) {
      const answers = this.byEntity.get(id);
      if (!answers) continue;
      answers.delete(answer);
      if (answers.size === 0) this.byEntity.delete(id);
    }
  }
}
