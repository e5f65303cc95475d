/**
 * Python values as Jinja renders them: integers and floats are distinct (`4 / 2` renders `2.0`),
 * `str()` of lists, dicts, booleans and None is Python's, and a rendered result is turned back
 * into a native value the way helpers/template.py `_parse_result` does (render_template sends it).
 */
import { pyRepr } from '../validation.js';
import { type Expr, ExpressionParser, tokenize } from './parse.js';

/** A Python float (plain JS numbers are Python ints). */
export class PyFloat {
  constructor(readonly v: number) {}
}

/** Jinja's Undefined: renders empty, is falsy, fails when used as a value. */
export class Undef {
  constructor(readonly name: string) {}
}

export type PyValue = unknown;

export const isNumber = (v: unknown): v is number | PyFloat => typeof v === 'number' || v instanceof PyFloat;
export const num = (v: number | PyFloat): number => (v instanceof PyFloat ? v.v : v);

/** Python's `repr(float)`: shortest form, always with a decimal point or exponent. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exp = '0'] = x.toExponential().split('e');
    const e = Number(exp);
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

export function pyTypeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Undef) return 'Undefined';
  return 'dict';
}

/** Python's `repr` for nested values (inside lists and dicts). */
export function repr(v: PyValue): string {
  if (v instanceof PyFloat) return floatRepr(v.v);
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (v instanceof Undef) return '';
  if (v && typeof v === 'object' && typeof (v as { toPy?: unknown }).toPy === 'function') {
    return (v as { toPy: () => string }).toPy();
  }
  if (v && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${repr(x)}`)
      .join(', ')}}`;
  }
  return pyRepr(v);
}

/** Python's `str`, as `{{ value }}` renders. */
export function str(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undef) return '';
  return repr(v);
}

export function truthy(v: PyValue): boolean {
  if (v instanceof Undef || v === null || v === undefined) return false;
  if (v instanceof PyFloat) return v.v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object')
    return Object.keys(v).length > 0 || typeof (v as { toPy?: unknown }).toPy === 'function';
  return Boolean(v);
}

/** Values to JSON: floats become numbers. */
export function toJson(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.v;
  if (v instanceof Undef) return null;
  if (Array.isArray(v)) return v.map(toJson);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

function literal(e: Expr): PyValue {
  if (e.t === 'lit') return e.float ? new PyFloat(e.v as number) : e.v;
  if (e.t === 'un' && (e.op === '-' || e.op === '+')) {
    const inner = literal(e.v);
    if (!isNumber(inner) || typeof inner === 'boolean') throw new Error('not a literal');
    const sign = e.op === '-' ? -1 : 1;
    return inner instanceof PyFloat ? new PyFloat(sign * inner.v) : sign * inner;
  }
  if (e.t === 'list') return e.items.map(literal);
  if (e.t === 'dict') return Object.fromEntries(e.entries.map(([k, v]) => [String(literal(k)), literal(v)]));
  throw new Error('not a literal');
}

const IS_NUMERIC = /^[+-]?(?!0\d)\d*(?:\.\d*)?$/;

/** `_parse_result`: literal_eval the rendered text; strings and non-canonical numbers stay text. */
export function parseResult(rendered: string): unknown {
  let value: PyValue;
  try {
    const tokens = tokenize(rendered);
    // Python literals spell True/False/None; Jinja's lower-case forms are plain text there.
    if (tokens.some((t) => t.k === 'name' && !['True', 'False', 'None'].includes(t.v))) return rendered;
    value = literal(new ExpressionParser(tokens, 'end').parseAll());
  } catch {
    return rendered;
  }
  if (typeof value === 'string') return rendered;
  if (isNumber(value) && !IS_NUMERIC.test(rendered)) return rendered;
  return toJson(value);
}
