/**
 * Covers (components/cover): garage doors, gates, blinds. With a travel time the cover reports
 * `opening`/`closing` and reaches its end state later, as real motors do (the service call returns
 * once the command is given); stop_cover leaves it where it got to. Without a travel time the end
 * state is written at once.
 */
import type { Hass } from '../hass.js';
import type { State } from '../state-machine.js';
import { coerceInt, range, required } from '../validation.js';
import { registerEntityServices } from './entity-service.js';
import type { ServiceCall } from './registry.js';

export const COVER_OPEN = 1;
export const COVER_CLOSE = 2;
export const COVER_SET_POSITION = 4;
export const COVER_STOP = 8;

export type CoverSpec = { name: string; deviceClass: string; features: number };

export function coverAttributes(spec: CoverSpec, position: number | null): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  if (spec.features & COVER_SET_POSITION) attrs.current_position = position ?? 0;
  attrs.device_class = spec.deviceClass;
  attrs.friendly_name = spec.name;
  attrs.supported_features = spec.features;
  return attrs;
}

type Movement = { from: number; to: number; startedMs: number; travelMs: number; timer: NodeJS.Timeout };

function specOf(state: State): CoverSpec {
  const a = state.attributes;
  return {
    name: String(a.friendly_name),
    deviceClass: String(a.device_class),
    features: Number(a.supported_features ?? 0),
  };
}

function positionOf(state: State): number {
  const p = state.attributes.current_position;
  if (typeof p === 'number') return p;
  return state.state === 'closed' || state.state === 'opening' ? 0 : 100;
}

const stateFor = (position: number) => (position > 0 ? 'open' : 'closed');

export function registerCoverServices(hass: Hass): void {
  const movements = new Map<string, Movement>();

  const settle = (entityId: string, position: number, call: ServiceCall) => {
    const state = hass.states.get(entityId);
    if (!state) return;
    hass.states.set(entityId, stateFor(position), coverAttributes(specOf(state), position), {
      context: call.context,
    });
  };

  const stopMovement = (entityId: string): number | null => {
    const m = movements.get(entityId);
    if (!m) return null;
    clearTimeout(m.timer);
    hass.timers.delete(m.timer);
    movements.delete(entityId);
    const done = Math.min(1, (Date.now() - m.startedMs) / m.travelMs);
    return Math.round(m.from + (m.to - m.from) * done);
  };

  const moveTo = (state: State, target: number, call: ServiceCall) => {
    const from = stopMovement(state.entityId) ?? positionOf(state);
    const travelMs = hass.options.coverTravelMs;
    if (travelMs <= 0 || from === target) return settle(state.entityId, target, call);
    const spec = specOf(state);
    hass.states.set(state.entityId, target > from ? 'opening' : 'closing', coverAttributes(spec, from), {
      context: call.context,
    });
    const timer = setTimeout(() => {
      hass.timers.delete(timer);
      movements.delete(state.entityId);
      settle(state.entityId, target, call);
    }, travelMs);
    hass.timers.add(timer);
    movements.set(state.entityId, { from, to: target, startedMs: Date.now(), travelMs, timer });
  };

  const describe = (name: string, description: string, fields: Record<string, unknown> = {}) => ({
    name,
    description,
    fields,
  });
  registerEntityServices(hass, [
    {
      domain: 'cover',
      service: 'open_cover',
      description: describe('Open', 'Opens a cover.'),
      requiredFeatures: COVER_OPEN,
      run: (s, _p, c) => moveTo(s, 100, c),
    },
    {
      domain: 'cover',
      service: 'close_cover',
      description: describe('Close', 'Closes a cover.'),
      requiredFeatures: COVER_CLOSE,
      run: (s, _p, c) => moveTo(s, 0, c),
    },
    {
      domain: 'cover',
      service: 'toggle',
      description: describe('Toggle', 'Toggles a cover open/closed.'),
      requiredFeatures: COVER_OPEN | COVER_CLOSE,
      run: (s, _p, c) => moveTo(s, s.state === 'closed' || s.state === 'closing' ? 100 : 0, c),
    },
    {
      domain: 'cover',
      service: 'stop_cover',
      description: describe('Stop', 'Stops the cover movement.'),
      requiredFeatures: COVER_STOP,
      run: (s, _p, c) => {
        const reached = stopMovement(s.entityId);
        if (reached !== null) settle(s.entityId, reached, c);
      },
    },
    {
      domain: 'cover',
      service: 'set_cover_position',
      description: describe('Set position', 'Moves a cover to a specific position.', {
        position: {
          required: true,
          selector: { number: { min: 0, max: 100, unit_of_measurement: '%' } },
          name: 'Position',
          description: 'Target position.',
        },
      }),
      fields: { position: required(range(coerceInt, 0, 100)) },
      requiredFeatures: COVER_SET_POSITION,
      run: (s, p, c) => moveTo(s, Number(p.position), c),
    },
  ]);
}
