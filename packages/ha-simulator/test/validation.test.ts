import { describe, expect, it } from 'vitest';
import {
  coerceInt,
  entityIds,
  humanizeError,
  MultipleInvalid,
  optional,
  pyRepr,
  range,
  required,
  schema,
  str,
} from '../src/validation.js';

function errorOf(fn: () => unknown): MultipleInvalid {
  try {
    fn();
  } catch (err) {
    if (err instanceof MultipleInvalid) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('validation texts (voluptuous)', () => {
  const s = schema({ domain: required(str), level: optional(range(coerceInt, 0, 255)) });

  it('names a missing key and the value it got', () => {
    const data = { level: 3 };
    const err = errorOf(() => s(data, []));
    expect(String(err)).toBe("required key not provided @ data['domain']");
    expect(humanizeError(data, err)).toBe("required key not provided @ data['domain']. Got None");
  });

  it('refuses extra keys and bad values "for dictionary value"', () => {
    const data = { domain: 'light', level: 300, color: 'red' };
    const err = errorOf(() => s(data, []));
    expect(humanizeError(data, err)).toBe(
      "extra keys not allowed @ data['color']. Got 'red'\nvalue must be at most 255 for dictionary value @ data['level']. Got 300",
    );
    expect(
      humanizeError(
        { domain: 1 },
        errorOf(() => s({ domain: 1 }, [])),
      ),
    ).toBe("expected str for dictionary value @ data['domain']. Got 1");
  });

  it("prints values as Python's repr", () => {
    expect(pyRepr({ a: [1, true, null, "it's"] })).toBe(`{'a': [1, True, None, "it's"]}`);
  });

  it('reads entity ids as cv.entity_ids does', () => {
    expect(entityIds('Light.Kitchen, switch.tv', [])).toEqual(['light.kitchen', 'switch.tv']);
    expect(() => entityIds('kitchen', ['entity_id'])).toThrow('Entity ID kitchen is an invalid entity ID');
  });
});
