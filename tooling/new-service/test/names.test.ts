import { describe, expect, it } from 'vitest';
import { invalidId, namesOf } from '../src/names.ts';

describe('service ids', () => {
  it.each(['lights', 'air-quality', 'zigbee2mqtt', 'a', `a${'b'.repeat(62)}`])('accepts %s', (id) => {
    expect(invalidId(id)).toBeUndefined();
  });

  it.each([
    'Lights',
    'air_quality',
    '2lights',
    '-lights',
    'lights!',
    '',
    `a${'b'.repeat(63)}`,
    'system',
    'clients',
  ])('refuses "%s", with the rule', (id) => {
    expect(invalidId(id)).toMatch(
      /^".*" is not a valid service id: .*\^\[a-z\]\[a-z0-9-\]\{0,62\}\$.*"system" or "clients"/,
    );
  });

  it('spells an id for identifiers, variables and people', () => {
    expect(namesOf('air-quality')).toEqual({
      id: 'air-quality',
      ENV: 'AIR_QUALITY',
      camel: 'airQuality',
      Pascal: 'AirQuality',
      title: 'Air Quality',
    });
    expect(namesOf('zigbee2mqtt')).toMatchObject({
      camel: 'zigbee2mqtt',
      Pascal: 'Zigbee2mqtt',
      ENV: 'ZIGBEE2MQTT',
    });
  });
});
