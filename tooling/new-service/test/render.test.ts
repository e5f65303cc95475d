import { describe, expect, it } from 'vitest';
import { tsString } from '../src/description.ts';
import { variablesOf } from '../src/generate.ts';
import { renderTemplate, substitute, templateManifest, templateNames } from '../src/render.ts';

describe('templates', () => {
  it('are minimal and http-api, each with a summary and an example call of its tool', () => {
    expect(templateNames()).toEqual(['http-api', 'minimal']);
    for (const name of templateNames())
      expect(templateManifest(name)).toEqual({
        summary: expect.any(String),
        example: expect.stringMatching(/^\w+ \w+=/),
      });
  });

  it.each(['minimal', 'http-api'])('%s renders every variable and slot of every file', (template) => {
    const files = renderTemplate(template, variablesOf({ id: 'air-quality', template }));
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        '.env.example',
        'README.md',
        'compose.yaml',
        'mosquitto/air-quality.acl',
        'package.json',
        'src/config.ts',
        'src/main.ts',
        'src/service.ts',
        'test/service.integration.test.ts',
        'test/service.test.ts',
        'tsconfig.build.json',
        'tsconfig.json',
        'vitest.config.ts',
      ]),
    );
    expect([...files.keys()].filter((path) => path.startsWith('src/tools/'))).toHaveLength(1);
    for (const [path, text] of files) expect({ path, leftover: /\{\{/.exec(text)?.[0] }).toEqual({ path });
    expect(JSON.parse(files.get('package.json')!)).toMatchObject({
      name: '@neurhomia/air-quality',
      description: 'Air Quality: tools over MCP JSON-RPC 2.0 on MQTT',
    });
    expect(files.get('mosquitto/air-quality.acl')).toMatch(/^user air-quality$/m);
    expect(files.get('compose.yaml')).toMatch(
      /LOG_LEVEL: \$\{AIR_QUALITY_LOG_LEVEL:-\$\{LOG_LEVEL:-info\}\}$/m,
    );
  });

  it('puts a description with quotes into JSON and TypeScript as valid literals', () => {
    const description = 'The house\'s "air": CO2 \\ humidity';
    const files = renderTemplate('minimal', variablesOf({ id: 'air', template: 'minimal', description }));
    expect(JSON.parse(files.get('package.json')!).description).toBe(description);
    const literal = /description: (.*),$/m.exec(files.get('src/service.ts')!)?.[1];
    expect(Function(`return ${literal}`)()).toBe(description);
  });

  it('names an unknown variable instead of writing it out', () => {
    expect(() => substitute('hello {{nope}}', { id: 'x' }, 'common/x.ts')).toThrow(
      'common/x.ts: unknown template variable {{nope}}',
    );
  });

  it('quotes TypeScript strings as biome formats them', () => {
    expect(tsString('plain')).toBe("'plain'");
    expect(tsString("the bridge's lights")).toBe('"the bridge\'s lights"');
    expect(tsString('say "hi", it\'s')).toBe("'say \"hi\", it\\'s'");
  });
});
