/**
 * A parser for the subset of Jinja the simulator renders: `{{ expression }}`, `{% if %}` /
 * `{% elif %}` / `{% else %}` / `{% endif %}`, `{# comments #}` and `-` whitespace control.
 * Expressions: literals (numbers, strings, lists, dicts, true/false/none), names, attribute and
 * item access, calls, filters (`|name(args)`), tests (`is defined`), arithmetic, comparisons,
 * `in`, `and`/`or`/`not`, `~` and the inline `a if b else c`. Errors are Jinja's
 * TemplateSyntaxError texts.
 */

import { TemplateSyntaxError, type Token, tokenize } from './tokenize.js';

export { TemplateSyntaxError, tokenize };

export type Expr =
  | { t: 'lit'; v: unknown; float?: boolean }
  | { t: 'name'; n: string }
  | { t: 'attr'; o: Expr; n: string }
  | { t: 'item'; o: Expr; k: Expr }
  | { t: 'call'; f: Expr; args: Expr[]; kwargs: Record<string, Expr> }
  | { t: 'filter'; v: Expr; name: string; args: Expr[]; kwargs: Record<string, Expr> }
  | { t: 'test'; v: Expr; name: string; neg: boolean }
  | { t: 'bin'; op: string; l: Expr; r: Expr }
  | { t: 'un'; op: string; v: Expr }
  | { t: 'cond'; test: Expr; ifTrue: Expr; ifFalse: Expr | null }
  | { t: 'list'; items: Expr[] }
  | { t: 'dict'; entries: Array<[Expr, Expr]> };

export type Node =
  | { t: 'text'; s: string }
  | { t: 'out'; e: Expr }
  | { t: 'if'; branches: Array<{ test: Expr; body: Node[] }>; otherwise: Node[] | null };

const describe = (t: Token) => (t.k === 'end' ? 'end of template' : `'${t.v}'`);

export class ExpressionParser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly endName: string,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isOp(v: string) {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }

  private isName(v: string) {
    const t = this.peek();
    return t.k === 'name' && t.v === v;
  }

  private expectOp(v: string): void {
    const t = this.next();
    if (t.k !== 'op' || t.v !== v) {
      throw new TemplateSyntaxError(
        t.k === 'end'
          ? `unexpected end of template, expected '${v}'.`
          : `expected token '${v}', got ${describe(t)}`,
      );
    }
  }

  /** The whole token list as one expression. */
  parseAll(): Expr {
    const e = this.expression();
    const t = this.peek();
    if (t.k !== 'end') throw new TemplateSyntaxError(`expected token '${this.endName}', got ${describe(t)}`);
    return e;
  }

  expression(): Expr {
    const value = this.or();
    if (this.isName('if')) {
      this.next();
      const test = this.or();
      let otherwise: Expr | null = null;
      if (this.isName('else')) {
        this.next();
        otherwise = this.expression();
      }
      return { t: 'cond', test, ifTrue: value, ifFalse: otherwise };
    }
    return value;
  }

  private or(): Expr {
    let l = this.and();
    while (this.isName('or')) {
      this.next();
      l = { t: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }

  private and(): Expr {
    let l = this.not();
    while (this.isName('and')) {
      this.next();
      l = { t: 'bin', op: 'and', l, r: this.not() };
    }
    return l;
  }

  private not(): Expr {
    if (this.isName('not')) {
      this.next();
      return { t: 'un', op: 'not', v: this.not() };
    }
    return this.compare();
  }

  private compare(): Expr {
    let l = this.concat();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.v)) {
        this.next();
        l = { t: 'bin', op: t.v, l, r: this.concat() };
      } else if (this.isName('in')) {
        this.next();
        l = { t: 'bin', op: 'in', l, r: this.concat() };
      } else if (this.isName('not') && this.peek(1).k === 'name' && this.peek(1).v === 'in') {
        this.next();
        this.next();
        l = { t: 'bin', op: 'not in', l, r: this.concat() };
      } else return l;
    }
  }

  private concat(): Expr {
    let l = this.additive();
    while (this.isOp('~')) {
      this.next();
      l = { t: 'bin', op: '~', l, r: this.additive() };
    }
    return l;
  }

  private additive(): Expr {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v;
      l = { t: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }

  private multiplicative(): Expr {
    let l = this.unary();
    while (['*', '/', '//', '%'].some((op) => this.isOp(op))) {
      const op = this.next().v;
      l = { t: 'bin', op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().v;
      return { t: 'un', op, v: this.unary() };
    }
    const base = this.postfix();
    if (this.isOp('**')) {
      this.next();
      return { t: 'bin', op: '**', l: base, r: this.unary() };
    }
    return base;
  }

  private args(): { args: Expr[]; kwargs: Record<string, Expr> } {
    const args: Expr[] = [];
    const kwargs: Record<string, Expr> = {};
    this.expectOp('(');
    while (!this.isOp(')')) {
      if (this.peek().k === 'name' && this.peek(1).k === 'op' && this.peek(1).v === '=') {
        const key = this.next().v;
        this.next();
        kwargs[key] = this.expression();
      } else args.push(this.expression());
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.next();
    return { args, kwargs };
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const t = this.next();
        if (t.k !== 'name' && t.k !== 'num')
          throw new TemplateSyntaxError(`expected name or number, got ${describe(t)}`);
        e = { t: 'attr', o: e, n: t.v };
      } else if (this.isOp('[')) {
        this.next();
        const k = this.expression();
        this.expectOp(']');
        e = { t: 'item', o: e, k };
      } else if (this.isOp('(')) {
        e = { t: 'call', f: e, ...this.args() };
      } else if (this.isOp('|')) {
        this.next();
        const name = this.next();
        if (name.k !== 'name') throw new TemplateSyntaxError(`expected token 'name', got ${describe(name)}`);
        const call = this.isOp('(') ? this.args() : { args: [], kwargs: {} };
        e = { t: 'filter', v: e, name: name.v, ...call };
      } else if (this.isName('is')) {
        this.next();
        const neg = this.isName('not');
        if (neg) this.next();
        const name = this.next();
        if (name.k !== 'name') throw new TemplateSyntaxError(`expected token 'name', got ${describe(name)}`);
        e = { t: 'test', v: e, name: name.v, neg };
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.next();
    if (t.k === 'num') {
      const float = /[.eE]/.test(t.v);
      return { t: 'lit', v: Number(t.v), float };
    }
    if (t.k === 'str') {
      let s = t.v;
      while (this.peek().k === 'str') s += this.next().v; // adjacent literals concatenate
      return { t: 'lit', v: s };
    }
    if (t.k === 'name') {
      if (t.v === 'true' || t.v === 'True') return { t: 'lit', v: true };
      if (t.v === 'false' || t.v === 'False') return { t: 'lit', v: false };
      if (t.v === 'none' || t.v === 'None') return { t: 'lit', v: null };
      return { t: 'name', n: t.v };
    }
    if (t.k === 'op' && t.v === '(') {
      const e = this.expression();
      if (this.isOp(',')) {
        const items = [e];
        while (this.isOp(',')) {
          this.next();
          if (this.isOp(')')) break;
          items.push(this.expression());
        }
        this.expectOp(')');
        return { t: 'list', items };
      }
      this.expectOp(')');
      return e;
    }
    if (t.k === 'op' && t.v === '[') {
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        items.push(this.expression());
        if (!this.isOp(']')) this.expectOp(',');
      }
      this.next();
      return { t: 'list', items };
    }
    if (t.k === 'op' && t.v === '{') {
      const entries: Array<[Expr, Expr]> = [];
      while (!this.isOp('}')) {
        const k = this.expression();
        this.expectOp(':');
        entries.push([k, this.expression()]);
        if (!this.isOp('}')) this.expectOp(',');
      }
      this.next();
      return { t: 'dict', entries };
    }
    if (t.k === 'end')
      throw new TemplateSyntaxError(`unexpected end of template, expected '${this.endName}'.`);
    throw new TemplateSyntaxError(`unexpected ${describe(t)}`);
  }
}

const TAG_RE = /\{\{(-?)([\s\S]*?)(-?)\}\}|\{%(-?)([\s\S]*?)(-?)%\}|\{#[\s\S]*?#\}/g;

/** Parse a whole template into nodes. */
export function parseTemplate(source: string): Node[] {
  type Frame = { node: Extract<Node, { t: 'if' }>; body: Node[] };
  const root: Node[] = [];
  const stack: Frame[] = [];
  let body = root;
  let last = 0;
  let trimNext = false;
  const pushText = (text: string) => {
    // An opening delimiter left in plain text was never closed.
    if (text.includes('{{'))
      throw new TemplateSyntaxError("unexpected end of template, expected 'end of print statement'.");
    if (text.includes('{%'))
      throw new TemplateSyntaxError("unexpected end of template, expected 'end of statement block'.");
    if (text.includes('{#')) throw new TemplateSyntaxError('Missing end of comment tag');
    if (text) body.push({ t: 'text', s: text });
  };
  for (const m of source.matchAll(TAG_RE)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    const trimBefore = m[1] === '-' || m[4] === '-';
    if (trimBefore) text = text.replace(/\s+$/, '');
    pushText(text);
    trimNext = m[3] === '-' || m[6] === '-';
    last = (m.index ?? 0) + m[0].length;
    if (m[2] !== undefined) {
      body.push({ t: 'out', e: new ExpressionParser(tokenize(m[2]), 'end of print statement').parseAll() });
      continue;
    }
    if (m[5] === undefined) continue; // comment
    const tokens = tokenize(m[5]);
    const tag = tokens[0]?.v ?? '';
    const rest = () => new ExpressionParser(tokens.slice(1), 'end of statement block').parseAll();
    if (tag === 'if') {
      const frame: Frame = {
        node: { t: 'if', branches: [{ test: rest(), body: [] }], otherwise: null },
        body,
      };
      body.push(frame.node);
      stack.push(frame);
      body = (frame.node.branches[0] as { body: Node[] }).body;
    } else if (tag === 'elif' || tag === 'else' || tag === 'endif') {
      const frame = stack.at(-1);
      if (!frame) throw new TemplateSyntaxError(`Encountered unknown tag '${tag}'.`);
      if (tag === 'elif') {
        const branch = { test: rest(), body: [] as Node[] };
        frame.node.branches.push(branch);
        body = branch.body;
      } else if (tag === 'else') {
        frame.node.otherwise = [];
        body = frame.node.otherwise;
      } else {
        stack.pop();
        body = frame.body;
      }
    } else {
      throw new TemplateSyntaxError(`Encountered unknown tag '${tag}'.`);
    }
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  pushText(tail);
  if (stack.length) {
    throw new TemplateSyntaxError(
      "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
    );
  }
  return root;
}
