import type { EventPublisher, Logger } from '@neurhomia/mcp-mqtt-core';
import type { HassEntity } from 'home-assistant-js-websocket';
import { compactEntity } from '../format/entity.js';
import type { EntityChange } from '../ha/live-states.js';
import type { Registries } from '../ha/registries.js';
import { domainOf } from '../ha/types.js';
import type { Exposure } from '../policy/exposure.js';
import type { EntityPatterns } from '../policy/patterns.js';

export const STATE_CHANGED_EVENT = 'state_changed';

/** What changed between two states: `state`, and `attributes.<name>` for each attribute. */
export function changedParts(oldState: HassEntity | null, newState: HassEntity | null): string[] {
  if (!oldState || !newState) return ['state'];
  const parts: string[] = [];
  if (oldState.state !== newState.state) parts.push('state');
  const keys = new Set([...Object.keys(oldState.attributes), ...Object.keys(newState.attributes)]);
  for (const key of keys) {
    if (JSON.stringify(oldState.attributes[key]) !== JSON.stringify(newState.attributes[key])) {
      parts.push(`attributes.${key}`);
    }
  }
  return parts;
}

/**
 * Publishes `state_changed` on mcp/{service}/events/state_changed for the visible entities that
 * HA_EVENT_FILTER names: the entity, its old and new state (compact), and what changed.
 */
export class StateEvents {
  constructor(
    private readonly options: {
      events: EventPublisher;
      filter: EntityPatterns;
      exposure: Exposure;
      registries: Registries;
      logger: Logger;
    },
  ) {}

  publish(changes: readonly EntityChange[]): void {
    const { filter, exposure, registries, events, logger } = this.options;
    if (filter.empty) return;
    for (const change of changes) {
      if (!filter.matches(change.entityId) || !exposure.visible(change.entityId)) continue;
      const payload = {
        entity_id: change.entityId,
        domain: domainOf(change.entityId),
        changed: changedParts(change.oldState, change.newState),
        old_state: change.oldState ? compactEntity(change.oldState, registries) : null,
        new_state: change.newState ? compactEntity(change.newState, registries) : null,
        time: change.newState?.last_updated ?? new Date().toISOString(),
        context_id: change.newState?.context?.id ?? null,
      };
      events.publish(STATE_CHANGED_EVENT, payload).catch((error: unknown) => {
        logger.warn({ err: error, entity_id: change.entityId }, 'could not publish state_changed');
      });
    }
  }
}
