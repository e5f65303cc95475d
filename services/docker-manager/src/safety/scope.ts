/** DOCKER_ALLOW_LABEL: `key=value` (that value), `key` (any value), or `none`. */
export type LabelRule = { key: string; value: string | undefined } | undefined;

export function parseLabelRule(text: string): LabelRule {
  const rule = text.trim();
  if (rule === 'none') return undefined;
  const separator = rule.indexOf('=');
  const key = (separator === -1 ? rule : rule.slice(0, separator)).trim();
  const value = separator === -1 ? undefined : rule.slice(separator + 1).trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_./-]*$/.test(key) || key.length > 200)
    throw new Error('must be a label key (letters, digits, . _ - /), optionally =value');
  if (value !== undefined && (value === '' || value.length > 200))
    throw new Error('the value after = must be 1–200 characters (or give the key alone for any value)');
  return { key, value };
}

export function matchesLabel(rule: LabelRule, labels: Record<string, string>): boolean {
  if (!rule || !Object.hasOwn(labels, rule.key)) return false;
  return rule.value === undefined || labels[rule.key] === rule.value;
}

/** A glob over a whole container name: `*` any run of characters, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** The first of `patterns` that matches `name`, if any. */
export function matchingGlob(patterns: readonly RegExp[], sources: readonly string[], name: string) {
  const index = patterns.findIndex((pattern) => pattern.test(name));
  return index === -1 ? undefined : sources[index];
}
