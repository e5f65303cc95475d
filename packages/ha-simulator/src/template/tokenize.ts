/**
 * The tokenizer of the template subset (see parse.ts): numbers, quoted strings with escapes, names
 * and operators.
 */

export class TemplateSyntaxError extends Error {}

export type Token = { k: 'num' | 'str' | 'name' | 'op' | 'end'; v: string };

const OPERATORS = [
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  '|',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '<',
  '>',
  '=',
];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          const next = src[j + 1] as string;
          out += ESCAPES[next] ?? `\\${next}`;
          j += 2;
        } else out += src[j++];
      }
      if (j >= src.length) throw new TemplateSyntaxError(`unexpected char '${c}' at ${i}`);
      tokens.push({ k: 'str', v: out });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ k: 'name', v: m[0] });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (!op) throw new TemplateSyntaxError(`unexpected char '${c}' at ${i}`);
      tokens.push({ k: 'op', v: op });
      i += op.length;
    }
  }
  tokens.push({ k: 'end', v: '' });
  return tokens;
}
