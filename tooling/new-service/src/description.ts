/** The longest --description accepted: one line of package.json and of the discovery document. */
export const MAX_DESCRIPTION = 200;

/** Why `text` cannot be a description, or undefined when it can. */
export function invalidDescription(text: string): string | undefined {
  if (text.trim() === '') return 'the description is empty';
  if (text.length > MAX_DESCRIPTION)
    return `the description has ${text.length} characters (at most ${MAX_DESCRIPTION})`;
  // One line of printable text: it goes into JSON, TypeScript, YAML comments and Markdown.
  if (/\p{Cc}/u.test(text)) return 'the description must be one line of text, without control characters';
  if (text.includes('{{')) return 'the description must not contain "{{"';
  return undefined;
}

/**
 * A TypeScript string literal of `text`, quoted as biome formats it: single quotes, unless the
 * text holds more single than double quotes.
 */
export function tsString(text: string): string {
  const singles = text.split("'").length - 1;
  const doubles = text.split('"').length - 1;
  const quote = singles > doubles ? '"' : "'";
  const escaped = text.replaceAll('\\', '\\\\').replaceAll(quote, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}
