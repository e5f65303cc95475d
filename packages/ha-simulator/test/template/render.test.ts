import { beforeAll, describe, expect, it } from 'vitest';
import { Hass } from '../../src/hass.js';
import { seedHome } from '../../src/home/index.js';
import { parseResult } from '../../src/template/python.js';
import { renderTemplate } from '../../src/template/render.js';

let hass: Hass;
beforeAll(() => {
  hass = new Hass();
  seedHome(hass);
  hass.states.set(
    'sensor.outdoor_temperature',
    '12.5',
    hass.states.get('sensor.outdoor_temperature')?.attributes ?? {},
  );
});

const render = (template: string, variables: Record<string, unknown> = {}) =>
  renderTemplate(template, { states: hass.states, registries: hass.registries, variables, strict: false });

describe('templates', () => {
  it.each([
    ["{{ states('sensor.outdoor_temperature') }}", '12.5'],
    ["{{ states('sensor.outdoor_temperature') | float + 1 }}", '13.5'],
    ["{{ states('sensor.nothing') }}", 'unknown'],
    ['{{ 4 / 2 }}', '2.0'],
    ['{{ 7 // 2 }} {{ 7 % 3 }} {{ 2 ** 3 }}', '3 1 8'],
    ['{{ [1, 2.5, "a"] }} {{ {"k": none} }} {{ true }}', "[1, 2.5, 'a'] {'k': None} True"],
    ["{{ is_state('person.bob', ['home', 'not_home']) }}", 'True'],
    ["{{ state_attr('cover.garage_door', 'device_class') | upper }}", 'GARAGE'],
    ['{{ states.cover.garage_door.attributes.device_class }}', 'garage'],
    ['{{ states.light.missing.state }}', ''],
    ['{% if x > 2 %}big{% elif x > 1 %}medium{% else %}small{% endif %}', 'medium'],
    ["{{ area_name('switch.coffee_machine') }}, {{ area_name('light.kitchen') }}", 'Kitchen, Kitchen'],
    ["{{ area_entities('garage') | join(',') }}", 'cover.garage_door,sensor.home_power,sensor.home_energy'],
    ['{{ 2.5 | round }} {{ 3.5 | round }} {{ 3.14159 | round(2) }}', '2 4 3.14'],
    ["{{ 'x' ~ 1 }} {{ y | default('none given') }}", 'x1 none given'],
    ['  {{- " trimmed " -}}  ', 'trimmed'],
  ])('%s renders %s', (template, expected) => {
    expect(render(template, { x: 2 }).text).toBe(expected);
  });

  it('lists the entities it read', () => {
    const { info } = render("{{ states('light.kitchen') }} {{ states.switch.tv.state }}");
    expect([...info.entities].sort()).toEqual(['light.kitchen', 'switch.tv']);
  });

  it.each([
    ['{{ 1 + }}', 'TemplateSyntaxError: '],
    ['{{ 1 +', "TemplateSyntaxError: unexpected end of template, expected 'end of print statement'."],
    ['{% for x in y %}{% endfor %}', "TemplateSyntaxError: Encountered unknown tag 'for'."],
    ['{% if true %}never closed', 'TemplateSyntaxError: Unexpected end of template.'],
    [
      "{{ states('sensor.nothing') | float }}",
      "ValueError: Template error: float got invalid input 'unknown' when rendering template",
    ],
    ['{{ now() }}', "UndefinedError: 'now' is undefined"],
    ["{{ 1 + 'a' }}", "TypeError: unsupported operand type(s) for +: 'int' and 'str'"],
    ['{{ 1 / 0 }}', 'ZeroDivisionError: division by zero'],
    ['{{ 1 | nosuchfilter }}', "TemplateAssertionError: No filter named 'nosuchfilter'."],
  ])('%s fails with %s', (template, message) => {
    expect(() => render(template)).toThrow(message);
  });

  it('fails cleanly on templates too deep or too long', () => {
    expect(() => render(`{{ ${'('.repeat(20000)}1${')'.repeat(20000)} }}`)).toThrow(
      'RecursionError: maximum recursion depth exceeded',
    );
    expect(() => render('x'.repeat(70_000))).toThrow(
      'TemplateSyntaxError: template longer than 65536 characters',
    );
    expect(() => render("{{ 'x' * 10000000 }}")).toThrow('OverflowError');
  });

  it('turns results into native values like _parse_result', () => {
    expect(parseResult('21.5')).toBe(21.5);
    expect(parseResult('True')).toBe(true);
    expect(parseResult('[1, 2]')).toEqual([1, 2]);
    expect(parseResult("{'a': None}")).toEqual({ a: null });
    expect(parseResult('on')).toBe('on');
    expect(parseResult('true')).toBe('true');
    expect(parseResult('007')).toBe('007');
    expect(parseResult("'quoted'")).toBe("'quoted'");
  });
});
