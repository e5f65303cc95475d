import { silentLogger } from '@neurhomia/mcp-mqtt-core';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { exposedName, parseName, TOOL_NAME_PATTERN, ToolNames } from '../src/naming.js';

describe('exposedName', () => {
  it('is {service}__{tool} when that fits', () => {
    expect(exposedName({ serviceId: 'weather', tool: 'get_forecast' })).toEqual({
      name: 'weather__get_forecast',
      shortened: false,
    });
  });

  it('shortens a name too long or with other characters, deterministically and within 64', () => {
    const long = { serviceId: 'ha-bridge', tool: 'x'.repeat(80) };
    const dotted = { serviceId: 'ha-bridge', tool: 'light.turn_on' };
    for (const ref of [long, dotted]) {
      const { name, shortened } = exposedName(ref);
      expect(shortened).toBe(true);
      expect(name).toMatch(TOOL_NAME_PATTERN);
      expect(exposedName(ref).name).toBe(name);
    }
    expect(exposedName(dotted).name).toMatch(/^ha-bridge__light_turn_on_[0-9a-f]{8}$/);
    // Two long names that differ only past the cut still differ.
    const a = exposedName({ serviceId: 'svc', tool: `${'y'.repeat(70)}a` }).name;
    const b = exposedName({ serviceId: 'svc', tool: `${'y'.repeat(70)}b` }).name;
    expect(a).not.toBe(b);
    expect(a.length).toBe(64);
  });
});

describe('parseName', () => {
  it('splits at the first separator (service ids hold no underscore)', () => {
    expect(parseName('weather__get__odd')).toEqual({ serviceId: 'weather', tool: 'get__odd' });
    expect(parseName('docker-manager__list')).toEqual({ serviceId: 'docker-manager', tool: 'list' });
  });

  it('refuses names that are not {service}__{tool}', () => {
    for (const name of ['get_forecast', '__x', 'Weather__x', 'system__x', 'weather__']) {
      expect(parseName(name)).toBeUndefined();
    }
  });
});

describe('ToolNames', () => {
  it('resolves every listed tool, shortened ones included, and logs each shortening once', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const names = new ToolNames(logger);
    const services = [{ serviceId: 'ha', tools: ['light.turn_on', 'get_states'] }];
    names.update(services);
    names.update(services);
    const exposed = names.nameOf({ serviceId: 'ha', tool: 'light.turn_on' });
    expect(names.resolve(exposed)).toEqual({ serviceId: 'ha', tool: 'light.turn_on' });
    expect(names.resolve('ha__get_states')).toEqual({ serviceId: 'ha', tool: 'get_states' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      service_id: 'ha',
      tool: 'light.turn_on',
      exposed_as: exposed,
    });
  });

  it('reaches an unlisted tool by its plain {service}__{tool} name', () => {
    const names = new ToolNames(silentLogger());
    names.update([]);
    expect(names.resolve('weather__hidden_tool')).toEqual({ serviceId: 'weather', tool: 'hidden_tool' });
    expect(names.resolve('no separator')).toBeUndefined();
  });

  it('gives a literal name equal to another tool’s shortened one a distinct name', () => {
    const names = new ToolNames(silentLogger());
    const dotted = exposedName({ serviceId: 'svc', tool: 'a.b' }).name;
    const literal = dotted.slice('svc__'.length);
    names.update([{ serviceId: 'svc', tools: ['a.b', literal] }]);
    const first = names.nameOf({ serviceId: 'svc', tool: 'a.b' });
    const second = names.nameOf({ serviceId: 'svc', tool: literal });
    expect(first).not.toBe(second);
    expect(names.resolve(first)).toEqual({ serviceId: 'svc', tool: 'a.b' });
    expect(names.resolve(second)).toEqual({ serviceId: 'svc', tool: literal });
  });

  it('finds the services of a plain tool name', () => {
    const names = new ToolNames(silentLogger());
    names.update([
      { serviceId: 'a', tools: ['status'] },
      { serviceId: 'b', tools: ['status', 'other'] },
    ]);
    expect(names.servicesWith('status').sort()).toEqual(['a', 'b']);
    expect(names.servicesWith('other')).toEqual(['b']);
  });
});
