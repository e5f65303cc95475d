import { describe, expect, it } from 'vitest';
import { parseToolArguments } from '../../../src/cli/arguments.js';

const schema = {
  type: 'object',
  properties: {
    location: { type: 'string' },
    days: { type: 'integer' },
    verbose: { type: 'boolean' },
    tags: { type: 'array' },
  },
};

describe('parseToolArguments', () => {
  it('types values by the tool schema', () => {
    expect(
      parseToolArguments(['location=48.85,2.35', 'days=3', 'verbose=true', 'tags=["a"]'], schema),
    ).toEqual({
      location: '48.85,2.35',
      days: 3,
      verbose: true,
      tags: ['a'],
    });
  });

  it('keeps digits as text for a string parameter', () => {
    expect(parseToolArguments(['location=75001'], schema)).toEqual({ location: '75001' });
  });

  it('refuses a value that does not fit, naming the key', () => {
    expect(() => parseToolArguments(['days=three'], schema)).toThrow(/days/);
    expect(() => parseToolArguments(['verbose=yes'], schema)).toThrow(/verbose/);
    expect(() => parseToolArguments(['oops'], schema)).toThrow(/key=value/);
  });
});
