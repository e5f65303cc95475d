/**
 * A tool's inputSchema (JSON Schema 2020-12, as zod 4's toJSONSchema writes it) in one line per
 * argument: type, enum values, ranges, lengths, defaults and description.
 *
 *   days?: integer (1–16, default 5) — Number of days, today included
 *   units?: "metric" | "imperial" | "kelvin" (default "metric") — …
 */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

export interface ToolSummary {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  permissions?: readonly string[] | undefined;
}

/** Nested objects are shown this deep; deeper ones are just `object`. */
const MAX_DEPTH = 2;
const MAX_ENUM_VALUES = 12;
const MAX_PATTERN_LENGTH = 40;
const INDENT = '    ';

/** zod writes `int()` bounds as ±Number.MAX_SAFE_INTEGER: not a range a person chose. */
const isRealBound = (value: number | undefined): value is number =>
  value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER;

const literal = (value: unknown) => JSON.stringify(value);

function plural(count: number, unit: string) {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function numberRange(schema: JsonSchema): string | undefined {
  const min = isRealBound(schema.minimum) ? schema.minimum : undefined;
  const max = isRealBound(schema.maximum) ? schema.maximum : undefined;
  const gt = isRealBound(schema.exclusiveMinimum) ? schema.exclusiveMinimum : undefined;
  const lt = isRealBound(schema.exclusiveMaximum) ? schema.exclusiveMaximum : undefined;
  if (min !== undefined && max !== undefined) {
    return min < 0 || max < 0 ? `${min} to ${max}` : `${min}–${max}`;
  }
  const lower = min !== undefined ? `≥ ${min}` : gt !== undefined ? `> ${gt}` : undefined;
  const upper = max !== undefined ? `≤ ${max}` : lt !== undefined ? `< ${lt}` : undefined;
  if (lower && upper) return `${lower} and ${upper}`;
  return lower ?? upper;
}

function countRange(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  if (min !== undefined && max !== undefined) {
    return min === max ? `exactly ${plural(min, unit)}` : `${min}–${max} ${unit}s`;
  }
  if (min !== undefined && min > 0) return `≥ ${plural(min, unit)}`;
  if (max !== undefined) return `≤ ${plural(max, unit)}`;
  return undefined;
}

/** The constraints of one schema, without its type: ranges, lengths, format, default. */
function constraints(schema: JsonSchema): string[] {
  const parts = [
    numberRange(schema),
    schema.multipleOf !== undefined ? `multiple of ${schema.multipleOf}` : undefined,
    countRange(schema.minLength, schema.maxLength, 'char'),
    schema.format ? `format ${schema.format}` : undefined,
    // A format's own pattern (zod writes one for email, uuid…) says nothing more to a person.
    schema.pattern && !schema.format
      ? schema.pattern.length <= MAX_PATTERN_LENGTH
        ? `matching /${schema.pattern}/`
        : 'matching a pattern'
      : undefined,
    countRange(schema.minItems, schema.maxItems, 'item'),
    schema.uniqueItems ? 'unique' : undefined,
  ];
  if (schema.items) {
    const each = constraints(schema.items).filter((c) => !c.startsWith('default'));
    if (each.length > 0 && !isObject(schema.items)) parts.push(`each ${each.join(', ')}`);
  }
  if (schema.default !== undefined) parts.push(`default ${literal(schema.default)}`);
  return parts.filter((part): part is string => part !== undefined);
}

function isObject(schema: JsonSchema): boolean {
  return schema.type === 'object' || schema.properties !== undefined;
}

class SchemaPrinter {
  constructor(private readonly root: JsonSchema) {}

  private resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    if (!ref?.startsWith('#/$defs/')) return schema;
    return this.root.$defs?.[ref.slice('#/$defs/'.length)] ?? {};
  }

  /** The type of a value: `string`, `"a" | "b"`, `integer[]`, `{ lat: number, lon: number }`. */
  type(input: JsonSchema, depth: number): string {
    const schema = this.resolve(input);
    if (schema.enum) {
      const shown = schema.enum.slice(0, MAX_ENUM_VALUES).map(literal);
      const more = schema.enum.length - shown.length;
      return [...shown, ...(more > 0 ? [`… ${more} more`] : [])].join(' | ');
    }
    if (schema.const !== undefined) return literal(schema.const);
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants) return [...new Set(variants.map((v) => this.type(v, depth)))].join(' | ');
    if (schema.allOf?.length === 1) return this.type(schema.allOf[0]!, depth);
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    if (types.length === 0) return isObject(schema) ? this.object(schema, depth) : 'any';
    return types.map((type) => this.single(type, schema, depth)).join(' | ');
  }

  private single(type: string, schema: JsonSchema, depth: number): string {
    if (type === 'array') {
      // An array is not a level of nesting: `{ id: string }[]` reads as easily as `{ id: string }`.
      if (schema.prefixItems) return `[${schema.prefixItems.map((s) => this.type(s, depth)).join(', ')}]`;
      if (!schema.items) return 'array';
      const item = this.type(schema.items, depth);
      return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
    }
    if (type === 'object') return this.object(schema, depth);
    return type;
  }

  private object(schema: JsonSchema, depth: number): string {
    const entries = Object.entries(schema.properties ?? {});
    if (entries.length === 0) {
      const extra = schema.additionalProperties;
      return typeof extra === 'object' ? `{ [key: string]: ${this.type(extra, depth + 1)} }` : 'object';
    }
    if (depth >= MAX_DEPTH) return 'object';
    const fields = entries.map(([name, property]) => {
      const optional = schema.required?.includes(name) ? '' : '?';
      const details = constraints(this.resolve(property));
      return `${name}${optional}: ${this.type(property, depth + 1)}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
    });
    return `{ ${fields.join(', ')} }`;
  }

  /** One line per top-level argument. */
  arguments(): string[] {
    const schema = this.resolve(this.root);
    return Object.entries(schema.properties ?? {}).map(([name, input]) => {
      const property = this.resolve(input);
      const optional = schema.required?.includes(name) ? '' : '?';
      const details = constraints(property);
      const description = property.description ?? input.description;
      return [
        `${INDENT}${name}${optional}: ${this.type(property, 1)}`,
        details.length > 0 ? ` (${details.join(', ')})` : '',
        description ? ` — ${description}` : '',
      ].join('');
    });
  }
}

/** The lines `mcp-mqtt tools` prints for one tool. */
export function formatTool(tool: ToolSummary): string {
  const needs = tool.permissions?.length ? ` [needs ${tool.permissions.join(', ')}]` : '';
  const args = new SchemaPrinter(tool.inputSchema as JsonSchema).arguments();
  return [`${tool.name} — ${tool.description}${needs}`, ...args].join('\n');
}
