import { describe, expect, it } from 'vitest';
import { environment, REDACTED } from '../../src/tools/inspect-container.js';

describe('environment of inspect_container', () => {
  const env = ['PATH=/usr/bin', 'DB_PASSWORD=s3cret=with=equals', 'EMPTY=', 'FLAG'];
  it('keeps names and redacts every value by default', () => {
    expect(environment(env, false)).toEqual({
      entries: { PATH: REDACTED, DB_PASSWORD: REDACTED, EMPTY: REDACTED, FLAG: REDACTED },
      count: 4,
      values: 'redacted',
    });
  });

  it('shows values when asked, split at the first =', () => {
    expect(environment(env, true).entries).toEqual({
      PATH: '/usr/bin',
      DB_PASSWORD: 's3cret=with=equals',
      EMPTY: '',
      FLAG: REDACTED,
    });
  });

  it('bounds the list and each value', () => {
    const many = Array.from({ length: 500 }, (_, i) => `V${i}=${'x'.repeat(5_000)}`);
    const shown = environment(many, true);
    expect(Object.keys(shown.entries)).toHaveLength(200);
    expect(shown.count).toBe(500);
    expect(shown.entries.V0!.length).toBeLessThan(1_100);
  });
});
