/** The ten entities the calls share: eight lights and two switches of the simulated home. */
export const ENTITIES = [
  'light.bedroom',
  'light.entrance_porch',
  'light.garden',
  'light.kitchen',
  'light.kitchen_under_cabinet',
  'light.living_room_ceiling',
  'light.living_room_floor_lamp',
  'light.office_desk',
  'switch.tv',
  'switch.coffee_machine',
] as const;

export type Kind = 'write' | 'read_state' | 'read_list';

export interface PlannedCall {
  kind: Kind;
  tool: string;
  args: Record<string, unknown>;
}

/** Deterministic pseudo-random numbers (mulberry32): the same plan on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A plan of `size` calls: 30 % writes (call_service on one of the ten entities), 50 % reads of
 * one entity (get_entity_state), 20 % list reads (get_entities of lights or switches), shuffled.
 */
export function burst(size: number, seed: number): PlannedCall[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const calls: PlannedCall[] = [];
  for (let i = 0; i < size; i++) {
    const entity = pick(ENTITIES);
    const roll = next();
    if (roll < 0.3) {
      const domain = entity.split('.')[0] as string;
      calls.push({
        kind: 'write',
        tool: 'call_service',
        args:
          domain === 'light'
            ? {
                domain,
                service: 'turn_on',
                target: { entity_id: entity },
                data: { brightness: 1 + Math.floor(next() * 254) },
              }
            : { domain, service: 'toggle', target: { entity_id: entity } },
      });
    } else if (roll < 0.8) {
      calls.push({ kind: 'read_state', tool: 'get_entity_state', args: { entity_id: entity } });
    } else {
      calls.push({ kind: 'read_list', tool: 'get_entities', args: { domain: pick(['light', 'switch']) } });
    }
  }
  return calls;
}
