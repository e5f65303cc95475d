import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type EngineEvent,
  nanoTime,
  timeNanoOf,
  toContainerState,
} from '../../src/events/container-state.js';

/** A recorded event stream: a container's run with a healthcheck, restart, stop; another exiting 3. */
const lines = readFileSync(new URL('../fixtures/engine/events-lifecycle.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean);
const manageableIfLabelled = (c: { labels: Record<string, string> }) =>
  c.labels['com.docker.compose.project'] === 'demo';
const published = lines
  .map((line) => toContainerState(JSON.parse(line) as EngineEvent, manageableIfLabelled, timeNanoOf(line)))
  .filter((event) => event !== undefined);

describe('container_state from the engine event stream', () => {
  it('keeps start, die, stop, restart and health_status, and drops the rest (create, kill, exec_*, destroy)', () => {
    expect(published.map((e) => `${e.name}:${e.action}${e.health ? `:${e.health}` : ''}`)).toEqual([
      'dm-fixture-events:start',
      'dm-fixture-events:health_status:healthy',
      'dm-fixture-events:die',
      'dm-fixture-events:stop',
      'dm-fixture-events:start',
      'dm-fixture-events:restart',
      'dm-fixture-events:die',
      'dm-fixture-events:stop',
      'dm-fixture-exit:start',
      'dm-fixture-exit:die',
    ]);
  });

  it('carries exit codes, states, compose labels and the scope rule', () => {
    const exited = published.at(-1)!;
    expect(exited).toMatchObject({ action: 'die', exit_code: 3, state: 'exited', manageable: false });
    expect(exited.id).toBe(exited.container_id.slice(0, 12));
    const start = published[0]!;
    expect(start).toMatchObject({
      action: 'start',
      state: 'running',
      image: 'node:24-bookworm-slim',
      compose_project: 'demo',
      compose_service: 'app',
      manageable: true,
    });
    expect(start).not.toHaveProperty('exit_code');
    expect(published[1]).not.toHaveProperty('state');
  });

  it('keeps every nanosecond of the event time (past a double)', () => {
    const line = lines[1]!;
    const digits = timeNanoOf(line)!;
    expect(digits).toMatch(/^\d{19}$/);
    const time = nanoTime(digits, undefined);
    expect(time.slice(-11, -1)).toBe(digits.slice(-9).padStart(10, '.'));
    expect(nanoTime('1795876075000000001', undefined)).toBe('2026-11-28T14:27:55.000000001Z');
    expect(nanoTime(undefined, 1795876075)).toBe('2026-11-28T14:27:55.000Z');
  });

  it('reads timeNano from the end of the line, not from a label that looks like it', () => {
    const line = '{"Actor":{"Attributes":{"timeNano":"1"}},"time":1,"timeNano":1795876075107414064}';
    expect(timeNanoOf(line)).toBe('1795876075107414064');
  });
});
