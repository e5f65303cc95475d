import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSimulatorEnv, SimulatorConfigError } from '../src/config.js';

describe('image environment', () => {
  it('has defaults for everything but the token', () => {
    expect(loadSimulatorEnv({ HA_SIM_TOKEN: 'sixteen-chars-xx' })).toEqual({
      HA_SIM_PORT: 8123,
      HA_SIM_HOST: '0.0.0.0',
      HA_SIM_TOKEN: 'sixteen-chars-xx',
      HA_SIM_LATENCY_MS: 0,
      HA_SIM_CONTROL_PORT: undefined,
      HA_SIM_SEED: 42,
      HA_SIM_COVER_TRAVEL_MS: 0,
      HA_SIM_TIME_ZONE: 'Europe/Paris',
    });
  });

  it('reads the token from HA_SIM_TOKEN_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ha-sim-')), 'token');
    writeFileSync(file, 'token-from-a-file\n');
    expect(loadSimulatorEnv({ HA_SIM_TOKEN_FILE: file }).HA_SIM_TOKEN).toBe('token-from-a-file');
  });

  it('names every bad variable at once and never echoes the token', () => {
    let problems: string[] = [];
    try {
      loadSimulatorEnv({ HA_SIM_TOKEN: 'short', HA_SIM_PORT: 'eighty', HA_SIM_TIME_ZONE: 'Mars/Olympus' });
    } catch (err) {
      if (err instanceof SimulatorConfigError) problems = err.problems;
    }
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/HA_SIM_PORT: must be a port number \(got "eighty"\)/);
    expect(problems.join('\n')).toMatch(/HA_SIM_TIME_ZONE: must be an IANA time zone/);
    expect(problems.join('\n')).toMatch(/HA_SIM_TOKEN: must be at least 8 characters$/m);
    expect(problems.join('\n')).not.toContain('short');
  });

  it('refuses a missing token and both token sources', () => {
    expect(() => loadSimulatorEnv({})).toThrow('HA_SIM_TOKEN: is required (or HA_SIM_TOKEN_FILE)');
    expect(() =>
      loadSimulatorEnv({ HA_SIM_TOKEN: 'x'.repeat(10), HA_SIM_TOKEN_FILE: '/nonexistent' }),
    ).toThrow('both set');
  });
});
