/**
 * Deterministic 48-hour histories for the seeded home: daily on/off windows (in the home's local
 * time), measurements that follow a daily curve, and bursts of short events. The last point of a
 * series is the entity's current state.
 */
import { HOUR, MINUTE, startOfLocalDayUs } from '../clock.js';

export type Attrs = Record<string, unknown>;
export type Point = { at: number; state: string; attrs: Attrs };

export type Gen = {
  now: number;
  start: number;
  timeZone: string;
  rand: () => number;
};

/** mulberry32: a small seeded generator, so a seed always gives the same home. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Local midnights covering the window, oldest first. */
function midnights(g: Gen): number[] {
  const out: number[] = [];
  for (let day = startOfLocalDayUs(g.now, g.timeZone); day > g.start - 26 * HOUR; day -= 24 * HOUR)
    out.unshift(day);
  return out;
}

/** Hours since local midnight (fractional). */
export function localHour(g: Gen, us: number): number {
  const midnight = startOfLocalDayUs(us, g.timeZone);
  return (us - midnight) / HOUR;
}

/** On during the given local-time windows each day (hours, e.g. [18.5, 23]), jittered by a few minutes. */
export function windows(
  g: Gen,
  spans: Array<[number, number]>,
  on: (at: number) => Point['attrs'] | null,
  state = ['on', 'off'],
): Point[] {
  const transitions: Array<{ at: number; on: boolean }> = [];
  for (const midnight of midnights(g)) {
    for (const [from, to] of spans) {
      // The window moves by up to ±10 min and its length by up to ±20 %, never below a minute.
      const shift = Math.round((g.rand() - 0.5) * 20) * MINUTE;
      const length = Math.max(MINUTE, Math.round((to - from) * HOUR * (0.8 + 0.4 * g.rand())));
      const on = midnight + from * HOUR + shift;
      transitions.push({ at: on, on: true }, { at: on + length, on: false });
    }
  }
  transitions.sort((a, b) => a.at - b.at);
  let current = false;
  for (const t of transitions) if (t.at <= g.start) current = t.on;
  const points: Point[] = [
    { at: g.start, state: current ? (state[0] ?? 'on') : (state[1] ?? 'off'), attrs: on(g.start) ?? {} },
  ];
  for (const t of transitions) {
    if (t.at <= g.start || t.at > g.now || t.on === current) continue;
    current = t.on;
    points.push({
      at: t.at,
      state: current ? (state[0] ?? 'on') : (state[1] ?? 'off'),
      attrs: (current ? on(t.at) : null) ?? {},
    });
  }
  return points;
}

export type Curve = {
  every: number;
  base: number;
  amplitude: number;
  /** Local hour of the daily maximum. */
  peakHour: number;
  noise: number;
  decimals: number;
  min?: number;
  max?: number;
  /** Added per hour (energy counters); the value never decreases when > 0. */
  perHour?: number;
};

/** A measurement sampled every `every` µs, recorded only when its rounded value changes. */
export function curve(g: Gen, c: Curve, attrs: Attrs): Point[] {
  const points: Point[] = [];
  let last: string | null = null;
  const first = Math.floor(g.start / c.every) * c.every;
  for (let at = first; at <= g.now; at += c.every) {
    const h = localHour(g, at);
    let v =
      c.base + c.amplitude * Math.cos(((h - c.peakHour) / 24) * 2 * Math.PI) + (g.rand() - 0.5) * 2 * c.noise;
    if (c.perHour) v = c.base + ((at - g.start) / HOUR) * c.perHour * (0.6 + 0.8 * g.rand());
    if (c.min !== undefined) v = Math.max(c.min, v);
    if (c.max !== undefined) v = Math.min(c.max, v);
    const text = v.toFixed(c.decimals);
    if (text === last) continue;
    last = text;
    points.push({ at: Math.max(at, g.start), state: text, attrs });
  }
  return points;
}

/** Short `on` bursts (motion, doors): `perHour(localHour)` expected events, each lasting 1–`maxMinutes`. */
export function bursts(g: Gen, perHour: (hour: number) => number, maxMinutes: number, attrs: Attrs): Point[] {
  const points: Point[] = [{ at: g.start, state: 'off', attrs }];
  for (let slot = g.start; slot < g.now; slot += 15 * MINUTE) {
    if (g.rand() >= perHour(localHour(g, slot)) / 4) continue;
    const on = slot + Math.floor(g.rand() * 14) * MINUTE;
    const off = on + (1 + Math.floor(g.rand() * maxMinutes)) * MINUTE;
    if (off >= g.now) break;
    points.push({ at: on, state: 'on', attrs }, { at: off, state: 'off', attrs });
  }
  return points;
}

/** A constant state from the start of the window. */
export const constant = (g: Gen, state: string, attrs: Attrs): Point[] => [{ at: g.start, state, attrs }];
