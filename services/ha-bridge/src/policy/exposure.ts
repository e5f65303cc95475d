import { domainOf } from '../ha/types.js';
import type { EntityPatterns } from './patterns.js';

/**
 * What the assistant may see: HA_ALLOW_DOMAINS (empty = every domain) minus HA_DENY_ENTITIES.
 * A hidden entity is absent from every answer and event, and a call naming it is told it does
 * not exist, exactly as for an entity that does not exist.
 */
export class Exposure {
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(
    allowDomains: readonly string[],
    private readonly deny: EntityPatterns,
  ) {
    this.allowed = allowDomains.length > 0 ? new Set(allowDomains) : undefined;
  }

  domainVisible(domain: string): boolean {
    return this.allowed === undefined || this.allowed.has(domain);
  }

  visible(entityId: string): boolean {
    return this.domainVisible(domainOf(entityId)) && !this.deny.matches(entityId);
  }

  /** For the README's "what is hidden" and the start log. */
  describe() {
    return {
      allow_domains: this.allowed ? [...this.allowed] : 'all',
      deny_entities: this.deny.source,
    };
  }
}
