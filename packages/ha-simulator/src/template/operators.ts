/**
 * Python semantics for the template subset: equality, arithmetic with int/float distinction, Jinja
 * tests, and the filters (Home Assistant's forgiving float/int/round among them).
 */
import { isNumber, num, PyFloat, type PyValue, pyTypeName, repr, str, truthy, Undef } from './python.js';

export class PyError extends Error {
  constructor(
    readonly cls: string,
    message: string,
  ) {
    super(message);
  }
}

export const NO_DEFAULT = Symbol('no default');

/** What filters need from the renderer: conversions whose errors name the template. */
export type Coercions = {
  toFloat(v: PyValue, d: PyValue | typeof NO_DEFAULT, name: string): PyValue;
  toInt(v: PyValue, d: PyValue | typeof NO_DEFAULT): PyValue;
};

export const toNum = (v: PyValue): number =>
  typeof v === 'boolean' ? Number(v) : num(v as number | PyFloat);

export function fromJson(v: unknown): PyValue {
  if (typeof v === 'number' && !Number.isInteger(v)) return new PyFloat(v);
  if (Array.isArray(v)) return v.map(fromJson);
  if (v && typeof v === 'object' && !(v instanceof PyFloat))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
  return v as PyValue;
}

export function equal(a: PyValue, b: PyValue): boolean {
  if ((isNumber(a) || typeof a === 'boolean') && (isNumber(b) || typeof b === 'boolean'))
    return toNum(a) === toNum(b);
  return repr(a) === repr(b) && pyTypeName(a) === pyTypeName(b);
}

export function arith(op: string, l: PyValue, r: PyValue): PyValue {
  const numeric = (v: PyValue) => isNumber(v) || typeof v === 'boolean';
  if (op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
  if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  if (op === '*' && typeof l === 'string' && typeof r === 'number') {
    if (l.length * r > 256 * 1024) throw new PyError('OverflowError', 'repeated string is too long');
    return l.repeat(Math.max(0, r));
  }
  if (!numeric(l) || !numeric(r)) {
    if (op === '+' && typeof l === 'string')
      throw new PyError('TypeError', `can only concatenate str (not "${pyTypeName(r)}") to str`);
    throw new PyError(
      'TypeError',
      `unsupported operand type(s) for ${op}: '${pyTypeName(l)}' and '${pyTypeName(r)}'`,
    );
  }
  const a = toNum(l);
  const b = toNum(r);
  const float = l instanceof PyFloat || r instanceof PyFloat;
  const wrap = (x: number) => (float ? new PyFloat(x) : x);
  if ((op === '/' || op === '//' || op === '%') && b === 0) {
    throw new PyError(
      'ZeroDivisionError',
      op === '/' ? 'division by zero' : 'integer division or modulo by zero',
    );
  }
  switch (op) {
    case '+':
      return wrap(a + b);
    case '-':
      return wrap(a - b);
    case '*':
      return wrap(a * b);
    case '/':
      return new PyFloat(a / b);
    case '//':
      return wrap(Math.floor(a / b));
    case '%':
      return wrap(a - b * Math.floor(a / b));
    default:
      return float || b < 0 ? new PyFloat(a ** b) : a ** b;
  }
}

export function applyTest(name: string, v: PyValue): boolean {
  switch (name) {
    case 'defined':
      return !(v instanceof Undef);
    case 'undefined':
      return v instanceof Undef;
    case 'none':
      return v === null;
    case 'number':
      return isNumber(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'true':
      return v === true;
    case 'false':
      return v === false;
    case 'even':
      return isNumber(v) && num(v) % 2 === 0;
    case 'odd':
      return isNumber(v) && Math.abs(num(v) % 2) === 1;
    default:
      throw new PyError('TemplateAssertionError', `No test named '${name}'.`);
  }
}

/** Python's round(): halves go to the even neighbour. */
function bankersRound(x: number, digits: number): number {
  const m = 10 ** digits;
  const y = x * m;
  const r = Math.round(y);
  return (Math.abs(y % 1) === 0.5 ? (r % 2 === 0 ? r : r - 1) : r) / m;
}

export function applyFilter(
  rd: Coercions,
  name: string,
  v: PyValue,
  args: PyValue[],
  kw: Record<string, PyValue>,
): PyValue {
  const seq = (x: PyValue): PyValue[] =>
    Array.isArray(x) ? x : typeof x === 'string' ? [...x] : x && typeof x === 'object' ? Object.keys(x) : [];
  switch (name) {
    case 'float':
      return rd.toFloat(v, args[0] ?? kw.default ?? NO_DEFAULT, 'float');
    case 'int':
      return rd.toInt(v, args[0] ?? kw.default ?? NO_DEFAULT);
    case 'round': {
      const f = rd.toFloat(v, NO_DEFAULT, 'round');
      const precision = Number(args[0] ?? kw.precision ?? 0);
      const method = str(args[1] ?? kw.method ?? 'common');
      const x = num(f as PyFloat);
      const m = 10 ** precision;
      const r =
        method === 'ceil'
          ? Math.ceil(x * m) / m
          : method === 'floor'
            ? Math.floor(x * m) / m
            : method === 'half'
              ? Math.round(x * 2) / 2
              : bankersRound(x, precision);
      return precision === 0 ? Math.trunc(r) : new PyFloat(r);
    }
    case 'abs': {
      if (!isNumber(v)) throw new PyError('TypeError', `bad operand type for abs(): '${pyTypeName(v)}'`);
      return v instanceof PyFloat ? new PyFloat(Math.abs(v.v)) : Math.abs(v);
    }
    case 'lower':
      return str(v).toLowerCase();
    case 'upper':
      return str(v).toUpperCase();
    case 'title':
      return str(v).replace(/\w\S*/g, (w) => w[0]?.toUpperCase() + w.slice(1).toLowerCase());
    case 'capitalize':
      return str(v).charAt(0).toUpperCase() + str(v).slice(1).toLowerCase();
    case 'trim':
      return str(v).trim();
    case 'string':
      return str(v);
    case 'replace':
      return str(v)
        .split(str(args[0] ?? ''))
        .join(str(args[1] ?? ''));
    case 'default':
    case 'd': {
      const boolean = truthy(args[1] ?? kw.boolean ?? false);
      return v instanceof Undef || (boolean && !truthy(v)) ? (args[0] ?? kw.default_value ?? '') : v;
    }
    case 'length':
    case 'count':
      return seq(v).length;
    case 'list':
      return seq(v);
    case 'first':
      return seq(v)[0] ?? new Undef('first');
    case 'last':
      return seq(v).at(-1) ?? new Undef('last');
    case 'join':
      return seq(v)
        .map((x) => str(x))
        .join(str(args[0] ?? kw.d ?? ''));
    case 'sum':
      return seq(v).reduce((a, b) => arith('+', a, b), 0);
    case 'min':
    case 'max': {
      const items = seq(v);
      if (items.length === 0) throw new PyError('ValueError', `${name}() arg is an empty sequence`);
      return items.reduce((a, b) => (toNum(a) <= toNum(b) === (name === 'min') ? a : b));
    }
    case 'tojson':
      return JSON.stringify(v instanceof PyFloat ? v.v : v);
    case 'bool':
      return truthy(v);
    default:
      throw new PyError('TemplateAssertionError', `No filter named '${name}'.`);
  }
}
