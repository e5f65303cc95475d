/**
 * Rendering with Home Assistant's template functions (helpers/template.py): states(), is_state(),
 * state_attr(), is_state_attr(), has_value(), `states.<domain>.<object_id>`, area_name(),
 * area_id(), area_entities(), device_id(), device_entities(), iif(), the forgiving float/int/round
 * filters with their "no default was specified" errors, and common Jinja filters and tests.
 * Errors surface as `TemplateError("<ExceptionClass>: <message>")`, as Home Assistant reports them.
 */
import { isoformat } from '../clock.js';
import { TemplateError } from '../errors.js';
import type { Registries } from '../registries.js';
import type { State, StateMachine } from '../state-machine.js';
import {
  applyFilter,
  applyTest,
  arith,
  type Coercions,
  equal,
  fromJson,
  NO_DEFAULT,
  PyError,
  toNum,
} from './operators.js';
import { type Expr, type Node, parseTemplate, TemplateSyntaxError } from './parse.js';
import { isNumber, num, PyFloat, type PyValue, pyTypeName, str, truthy, Undef } from './python.js';

export type RenderInfo = { entities: Set<string>; domains: Set<string> };
export type RenderContext = {
  states: StateMachine;
  registries: Registries;
  variables: Record<string, unknown>;
  strict: boolean;
};

/** A state as templates see it (`TemplateState`). */
class TState {
  constructor(readonly s: State) {}
  get(name: string): PyValue {
    const s = this.s;
    const dt = (us: number) => isoformat(us).replace('T', ' ');
    const fields: Record<string, PyValue> = {
      state: s.state,
      entity_id: s.entityId,
      domain: s.domain,
      object_id: s.objectId,
      name: s.name,
      attributes: s.attributes,
      last_changed: dt(s.lastChanged),
      last_updated: dt(s.lastUpdated),
      last_reported: dt(s.lastReported),
      context: s.context,
    };
    return name in fields ? fields[name] : new Undef(name);
  }
  toPy(): string {
    return `<template TemplateState(<state ${this.s.entityId}=${this.s.state}; ${Object.entries(
      this.s.attributes,
    )
      .map(([k, v]) => `${k}=${str(v as PyValue)}`)
      .join(', ')} @ ${isoformat(this.s.lastChanged)}>)>`;
  }
}

type Fn = ((args: PyValue[], kwargs: Record<string, PyValue>) => PyValue) & { pyFunction: true };
const fn = (f: (args: PyValue[], kwargs: Record<string, PyValue>) => PyValue): Fn =>
  Object.assign(f, { pyFunction: true as const });
const isFn = (v: unknown): v is Fn => typeof v === 'function' && (v as Partial<Fn>).pyFunction === true;

class DomainStates {
  constructor(readonly domain: string) {}
  toPy(): string {
    return `<template DomainStates('${this.domain}')>`;
  }
}

class Renderer implements Coercions {
  readonly info: RenderInfo = { entities: new Set(), domains: new Set() };
  private readonly globals: Record<string, PyValue>;

  constructor(
    private readonly ctx: RenderContext,
    private readonly source: string,
  ) {
    const id = (v: PyValue) => str(v).toLowerCase();
    this.globals = {
      states: fn(([e, rounded, withUnit]) => this.stateValue(id(e), truthy(rounded), truthy(withUnit))),
      is_state: fn(([e, v]) => {
        const s = this.stateOf(id(e));
        return s !== undefined && (Array.isArray(v) ? v.includes(s.state) : s.state === v);
      }),
      state_attr: fn(([e, a]) => {
        const value = this.stateOf(id(e))?.attributes[str(a)];
        return value === undefined ? null : fromJson(value);
      }),
      is_state_attr: fn(
        ([e, a, v]) => this.stateOf(id(e))?.attributes[str(a)] === (isNumber(v) ? num(v) : v),
      ),
      has_value: fn(([e]) => {
        const s = this.stateOf(id(e));
        return s !== undefined && s.state !== 'unknown' && s.state !== 'unavailable';
      }),
      iif: fn(([c, t = true, f = false, n = null]) => (c === null ? n : truthy(c) ? t : f)),
      float: fn(([v, d = NO_DEFAULT]) => this.toFloat(v, d, 'float')),
      int: fn(([v, d = NO_DEFAULT]) => this.toInt(v, d)),
      area_name: fn(([v]) => this.areaName(str(v))),
      area_id: fn(([v]) => this.areaId(str(v))),
      area_entities: fn(([v]) => {
        const areaId = this.areaId(str(v)) ?? str(v);
        return ctx.registries.entitiesInArea(areaId);
      }),
      device_id: fn(([v]) => ctx.registries.entities.get(id(v))?.deviceId ?? null),
      device_entities: fn(([v]) => ctx.registries.entitiesOfDevice(str(v))),
    };
  }

  private stateOf(entityId: string): State | undefined {
    this.info.entities.add(entityId);
    return this.ctx.states.get(entityId);
  }

  private stateValue(entityId: string, rounded: boolean, withUnit: boolean): string {
    const s = this.stateOf(entityId);
    if (!s) return 'unknown';
    let value = s.state;
    if (rounded && !Number.isNaN(Number(value))) value = String(Number(value));
    const unit = s.attributes.unit_of_measurement;
    return withUnit && typeof unit === 'string' ? `${value} ${unit}` : value;
  }

  private areaId(lookup: string): string | null {
    const reg = this.ctx.registries;
    if (reg.areas.has(lookup)) return lookup;
    const byName = [...reg.areas.values()].find((a) => a.name.toLowerCase() === lookup.toLowerCase());
    if (byName) return byName.areaId;
    return reg.areaOf(lookup.toLowerCase()) ?? reg.devices.get(lookup)?.areaId ?? null;
  }

  private areaName(lookup: string): string | null {
    const areaId = this.areaId(lookup);
    return areaId ? (this.ctx.registries.areas.get(areaId)?.name ?? null) : null;
  }

  private noDefault(name: string, value: PyValue): never {
    throw new PyError(
      'ValueError',
      `Template error: ${name} got invalid input '${str(value)}' when rendering template '${this.source}' but no default was specified`,
    );
  }

  toFloat(v: PyValue, d: PyValue | typeof NO_DEFAULT, name: string): PyValue {
    const n = isNumber(v)
      ? num(v)
      : typeof v === 'boolean'
        ? Number(v)
        : typeof v === 'string' && v.trim() !== ''
          ? Number(v)
          : NaN;
    if (Number.isNaN(n)) return d === NO_DEFAULT ? this.noDefault(name, v) : d;
    return new PyFloat(n);
  }

  toInt(v: PyValue, d: PyValue | typeof NO_DEFAULT): PyValue {
    const f = this.toFloat(v, NO_DEFAULT as never, 'int');
    return f instanceof PyFloat ? Math.trunc(f.v) : d === NO_DEFAULT ? this.noDefault('int', v) : d;
  }

  render(nodes: Node[]): string {
    let out = '';
    for (const node of nodes) {
      if (node.t === 'text') out += node.s;
      else if (node.t === 'out') {
        const v = this.eval(node.e);
        if (v instanceof Undef && this.ctx.strict)
          throw new PyError('UndefinedError', `'${v.name}' is undefined`);
        out += str(v);
      } else {
        const branch = node.branches.find((b) => truthy(this.eval(b.test)));
        out += this.render(branch ? branch.body : (node.otherwise ?? []));
      }
    }
    return out;
  }

  private lookup(name: string): PyValue {
    if (name in this.ctx.variables) return fromJson(this.ctx.variables[name]);
    if (name in this.globals) return this.globals[name];
    return new Undef(name);
  }

  private getattr(o: PyValue, name: string): PyValue {
    if (o instanceof Undef) throw new PyError('UndefinedError', `'${o.name}' is undefined`);
    if (isFn(o) && o === this.globals.states) {
      this.info.domains.add(name);
      return new DomainStates(name);
    }
    if (o instanceof DomainStates) {
      const s = this.stateOf(`${o.domain}.${name}`);
      return s ? new TState(s) : null;
    }
    if (o instanceof TState) return o.get(name);
    if (o && typeof o === 'object' && !Array.isArray(o) && name in o)
      return (o as Record<string, PyValue>)[name];
    return new Undef(name);
  }

  private item(o: PyValue, k: PyValue): PyValue {
    if (o instanceof Undef) throw new PyError('UndefinedError', `'${o.name}' is undefined`);
    if ((Array.isArray(o) || typeof o === 'string') && isNumber(k)) {
      const i = num(k) < 0 ? o.length + num(k) : num(k);
      return i >= 0 && i < o.length ? (o[i] as PyValue) : new Undef(String(k));
    }
    return typeof k === 'string' ? this.getattr(o, k) : new Undef(str(k));
  }

  eval(e: Expr): PyValue {
    switch (e.t) {
      case 'lit':
        return e.float ? new PyFloat(e.v as number) : e.v;
      case 'name':
        return this.lookup(e.n);
      case 'attr':
        return this.getattr(this.eval(e.o), e.n);
      case 'item':
        return this.item(this.eval(e.o), this.eval(e.k));
      case 'list':
        return e.items.map((x) => this.eval(x));
      case 'dict':
        return Object.fromEntries(e.entries.map(([k, v]) => [str(this.eval(k)), this.eval(v)]));
      case 'cond':
        return truthy(this.eval(e.test))
          ? this.eval(e.ifTrue)
          : e.ifFalse
            ? this.eval(e.ifFalse)
            : new Undef('');
      case 'call': {
        const f = this.eval(e.f);
        if (f instanceof Undef) throw new PyError('UndefinedError', `'${f.name}' is undefined`);
        if (!isFn(f)) throw new PyError('TypeError', `'${pyTypeName(f)}' object is not callable`);
        return f(
          e.args.map((a) => this.eval(a)),
          this.kwargs(e.kwargs),
        );
      }
      case 'filter':
        return applyFilter(
          this,
          e.name,
          this.eval(e.v),
          e.args.map((a) => this.eval(a)),
          this.kwargs(e.kwargs),
        );
      case 'test': {
        const result = applyTest(e.name, this.eval(e.v));
        return e.neg ? !result : result;
      }
      case 'un': {
        const v = this.eval(e.v);
        if (e.op === 'not') return !truthy(v);
        return arith(e.op === '-' ? '*' : '+', e.op === '-' ? -1 : 0, v);
      }
      case 'bin':
        return this.binary(e.op, e.l, e.r);
    }
  }

  private kwargs(k: Record<string, Expr>): Record<string, PyValue> {
    return Object.fromEntries(Object.entries(k).map(([name, x]) => [name, this.eval(x)]));
  }

  private binary(op: string, le: Expr, re: Expr): PyValue {
    const l = this.eval(le);
    if (op === 'and') return truthy(l) ? this.eval(re) : l;
    if (op === 'or') return truthy(l) ? l : this.eval(re);
    const r = this.eval(re);
    for (const v of [l, r])
      if (v instanceof Undef && op !== '==' && op !== '!=')
        throw new PyError('UndefinedError', `'${v.name}' is undefined`);
    switch (op) {
      case '~':
        return str(l) + str(r);
      case '==':
        return equal(l, r);
      case '!=':
        return !equal(l, r);
      case 'in':
      case 'not in': {
        const found =
          typeof r === 'string'
            ? r.includes(str(l))
            : Array.isArray(r)
              ? r.some((x) => equal(x, l))
              : r && typeof r === 'object'
                ? str(l) in r
                : null;
        if (found === null)
          throw new PyError('TypeError', `argument of type '${pyTypeName(r)}' is not iterable`);
        return op === 'in' ? found : !found;
      }
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const ok = (isNumber(l) || typeof l === 'boolean') && (isNumber(r) || typeof r === 'boolean');
        if (!ok && !(typeof l === 'string' && typeof r === 'string')) {
          throw new PyError(
            'TypeError',
            `'${op}' not supported between instances of '${pyTypeName(l)}' and '${pyTypeName(r)}'`,
          );
        }
        const [a, b] = typeof l === 'string' ? [l, r as string] : [toNum(l), toNum(r)];
        return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
      }
      default:
        return arith(op, l, r);
    }
  }
}

export type Rendered = { text: string; info: RenderInfo };

const MAX_TEMPLATE_OUTPUT = 256 * 1024; // helpers/template.py
const MAX_TEMPLATE_SOURCE = 64 * 1024; // the simulator's own bound on what it parses

/** Render a template; throws TemplateError with Home Assistant's "<Class>: <message>" text. */
export function renderTemplate(source: string, ctx: RenderContext): Rendered {
  if (source.length > MAX_TEMPLATE_SOURCE) {
    throw new TemplateError(`TemplateSyntaxError: template longer than ${MAX_TEMPLATE_SOURCE} characters`);
  }
  let nodes: Node[];
  try {
    nodes = parseTemplate(source);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new TemplateError(`TemplateSyntaxError: ${err.message}`);
    if (err instanceof RangeError)
      throw new TemplateError('RecursionError: maximum recursion depth exceeded');
    throw err;
  }
  const renderer = new Renderer(ctx, source);
  let text: string;
  try {
    text = renderer.render(nodes);
  } catch (err) {
    if (err instanceof PyError) throw new TemplateError(`${err.cls}: ${err.message}`);
    if (err instanceof RangeError)
      throw new TemplateError('RecursionError: maximum recursion depth exceeded');
    throw err;
  }
  if (text.length > MAX_TEMPLATE_OUTPUT) {
    throw new TemplateError(`Template output exceeded maximum size of ${MAX_TEMPLATE_OUTPUT} characters`);
  }
  return { text: text.trim(), info: renderer.info };
}
