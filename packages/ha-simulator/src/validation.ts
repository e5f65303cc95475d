/**
 * Validation with voluptuous' error texts, which Home Assistant sends as they are: `str(Invalid)` is
 * `<message>[ for dictionary value] @ data['key']` and `humanize_error` appends `. Got <repr>`.
 * Only the validators Home Assistant's schemas use here are implemented.
 */

export type Path = ReadonlyArray<string | number>;

export class Invalid extends Error {
  constructor(
    readonly msg: string,
    readonly path: Path = [],
    public errorType: string | null = null,
  ) {
    super(msg);
  }

  override toString(): string {
    const where = this.path.length ? ` @ data[${this.path.map(pyRepr).join('][')}]` : '';
    return `${this.msg}${this.errorType ? ` for ${this.errorType}` : ''}${where}`;
  }
}

export class MultipleInvalid extends Error {
  constructor(readonly errors: Invalid[]) {
    super(errors[0]?.msg ?? 'invalid');
  }

  override toString(): string {
    return String(this.errors[0]);
  }
}

export type Validator<T = unknown> = (value: unknown, path: Path) => T;

/** Python's `repr` of a JSON value, for `Got …` in error texts. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'nan';
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t');
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

function nestedGet(data: unknown, path: Path): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string | number, unknown>)[key];
    if (current === undefined) return null;
  }
  return current;
}

const MAX_ITEM_LENGTH = 500; // voluptuous' MAX_VALIDATION_ERROR_ITEM_LENGTH

/** `voluptuous.humanize.humanize_error`. */
export function humanizeError(data: unknown, error: Invalid | MultipleInvalid): string {
  if (error instanceof MultipleInvalid) {
    return error.errors
      .map((e) => humanizeError(data, e))
      .sort()
      .join('\n');
  }
  let summary = pyRepr(nestedGet(data, error.path));
  if (summary.length > MAX_ITEM_LENGTH) summary = `${summary.slice(0, MAX_ITEM_LENGTH - 3)}...`;
  return `${error}. Got ${summary}`;
}

// --- validators ----------------------------------------------------------------------------------

const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Validator<string> = (v, path) => {
  if (typeof v !== 'string') throw new Invalid('expected str', path);
  return v;
};

export const bool: Validator<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new Invalid('expected bool', path);
  return v;
};

export const dict: Validator<Record<string, unknown>> = (v, path) => {
  if (!isDict(v)) throw new Invalid('expected dict', path);
  return v;
};

/** `cv.string`: any scalar becomes its string form. */
export const cvString: Validator<string> = (v, path) => {
  if (v === null || v === undefined) throw new Invalid('string value is None', path);
  if (typeof v === 'object') throw new Invalid('value should be a string', path);
  return String(v);
};

/** `vol.Coerce(int)`. */
export const coerceInt: Validator<number> = (v, path) => {
  const n =
    typeof v === 'number'
      ? Math.trunc(v)
      : typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)
        ? Number(v)
        : NaN;
  if (!Number.isFinite(n) || typeof v === 'boolean') throw new Invalid('expected int', path);
  return n;
};

/** `vol.Coerce(float)`. */
export const coerceFloat: Validator<number> = (v, path) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n) || typeof v === 'boolean') throw new Invalid('expected float', path);
  return n;
};

/** `vol.Range(min, max)`. */
export const range =
  (inner: Validator<number>, min: number | null, max: number | null): Validator<number> =>
  (v, path) => {
    const n = inner(v, path);
    if (min !== null && n < min) throw new Invalid(`value must be at least ${min}`, path);
    if (max !== null && n > max) throw new Invalid(`value must be at most ${max}`, path);
    return n;
  };

/** `vol.Clamp(min, max)`. */
export const clamp =
  (inner: Validator<number>, min: number, max: number): Validator<number> =>
  (v, path) =>
    Math.min(max, Math.max(min, inner(v, path)));

/** `cv.positive_int`. */
export const positiveInt = range(coerceInt, 0, null);

/** `vol.In(container)`. */
export const oneOf =
  <T extends string>(values: readonly T[]): Validator<T> =>
  (v, path) => {
    if (typeof v !== 'string' || !values.includes(v as T)) {
      throw new Invalid(`value must be one of ${pyRepr([...values].sort())}`, path);
    }
    return v as T;
  };

/** `vol.Coerce(SomeStrEnum)`. */
export const coerceEnum =
  <T extends string>(typeName: string, values: readonly T[]): Validator<T> =>
  (v, path) => {
    if (typeof v !== 'string' || !values.includes(v as T)) {
      throw new Invalid(`expected ${typeName} or one of ${values.map((x) => pyRepr(x)).join(', ')}`, path);
    }
    return v as T;
  };

/** A list whose items all pass `item` (`[validator]` in a voluptuous schema). */
export const listOf =
  <T>(item: Validator<T>): Validator<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) throw new Invalid('expected list', path);
    return v.map((x, i) => item(x, [...path, i]));
  };

/** A value or a list of values, always returned as a list (`cv.ensure_list`). */
export const ensureList =
  <T>(item: Validator<T>): Validator<T[]> =>
  (v, path) =>
    (Array.isArray(v) ? v : [v]).map((x) => item(x, path));

// Home Assistant's valid_entity_id.
const ENTITY_ID_RE = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;
export const isValidEntityId = (id: string): boolean => ENTITY_ID_RE.test(id);

/** `cv.entity_ids`: comma-separated text or a list, lower-cased, each a valid entity id. */
export const entityIds: Validator<string[]> = (v, path) => {
  if (v === null || v === undefined) throw new Invalid('Entity IDs can not be None', path);
  const items = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : Array.isArray(v) ? v : [v];
  return items.map((item) => {
    const id = cvString(item, path).toLowerCase();
    if (!isValidEntityId(id)) throw new Invalid(`Entity ID ${id} is an invalid entity ID`, path);
    return id;
  });
};

export type Field = { required?: boolean; default?: unknown; validator: Validator };
export type Fields = Record<string, Field>;

/**
 * A dictionary schema (`vol.Schema({...})`): every error is collected, a value error of a key is
 * "for dictionary value", unknown keys are refused unless `allowExtra`.
 */
export function schema(
  fields: Fields,
  { allowExtra = false }: { allowExtra?: boolean } = {},
): Validator<Record<string, unknown>> {
  return (value, path) => {
    if (!isDict(value)) throw new MultipleInvalid([new Invalid('expected a dictionary', path)]);
    const out: Record<string, unknown> = {};
    const errors: Invalid[] = [];
    for (const [key, raw] of Object.entries(value)) {
      const field = fields[key];
      if (!field) {
        if (allowExtra) out[key] = raw;
        else errors.push(new Invalid('extra keys not allowed', [...path, key]));
        continue;
      }
      try {
        out[key] = field.validator(raw, [...path, key]);
      } catch (err) {
        for (const e of err instanceof MultipleInvalid ? err.errors : [err]) {
          if (!(e instanceof Invalid)) throw e;
          if (e.path.length <= path.length + 1 && e.errorType === null) e.errorType = 'dictionary value';
          errors.push(e);
        }
      }
    }
    for (const [key, field] of Object.entries(fields)) {
      if (key in value) continue;
      if (field.required) errors.push(new Invalid('required key not provided', [...path, key]));
      else if (field.default !== undefined) out[key] = structuredClone(field.default);
    }
    if (errors.length) throw new MultipleInvalid(errors);
    return out;
  };
}

export const required = (validator: Validator, extra: Partial<Field> = {}): Field => ({
  required: true,
  validator,
  ...extra,
});
export const optional = (validator: Validator, defaultValue?: unknown): Field => ({
  validator,
  default: defaultValue,
});
