/**
 * Turns `key=value` words into tool arguments using the tool's JSON Schema: the service never
 * coerces, so the CLI sends `days=3` as the number 3 only when the schema says it is a number.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

function typesOf(schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(typesOf);
}

export function convertValue(key: string, raw: string, schema: Schema | undefined): unknown {
  const types = typesOf(schema);
  if (types.length === 0 || types.includes('string')) {
    // A string (or unknown) parameter keeps the text as typed; anything else must parse.
    if (types.length === 0 && /^(-?\d+(\.\d+)?|true|false|null|[[{].*)$/s.test(raw)) {
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
    return raw;
  }
  if (types.includes('integer') || types.includes('number')) {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`${key}: "${raw}" is not a number`);
    return value;
  }
  if (types.includes('boolean')) {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new Error(`${key}: "${raw}" is not true or false`);
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`${key}: "${raw}" is not valid JSON for a ${types.join('|')}`);
  }
}

export function parseToolArguments(
  words: readonly string[],
  inputSchema: Schema | undefined,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new Error(`"${word}": arguments are key=value`);
    const key = word.slice(0, eq);
    args[key] = convertValue(key, word.slice(eq + 1), inputSchema?.properties?.[key]);
  }
  return args;
}
