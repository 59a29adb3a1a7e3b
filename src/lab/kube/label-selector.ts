// The string form of a label selector (`app=web,tier!=db,env in (a,b),!legacy`), read the way
// apimachinery's labels.Parse reads it: a lexer over identifiers and the special symbols
// `=!(),<>`, then a parser whose error texts the API server returns verbatim in its 400s
// ("unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"). The
// texts were checked against kube-apiserver v1.20 in test/lab/kube.
import { badRequest } from './status.js';

export type Op = 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=' | 'gt' | 'lt';
export interface Requirement { key: string; op: Op; values: string[] }

type Tok = 'id' | 'in' | 'notin' | '!' | '=' | '==' | '!=' | '(' | ')' | ',' | '>' | '<' | 'end' | 'error';
interface Item { tok: Tok; lit: string }

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SYMBOLS = new Set(['=', '==', '!=', '!', '(', ')', ',', '>', '<']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(input: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  for (;;) {
    while (i < input.length && isSpace(input[i]!)) i++;
    if (i >= input.length) {
      items.push({ tok: 'end', lit: '' });
      return items;
    }
    if (SPECIAL.has(input[i]!)) {
      // The longest run of symbols that is still a token: `!=` is one, `==` one, `=!` two.
      let buffer = '';
      let last: Item | undefined;
      while (i < input.length && SPECIAL.has(input[i]!)) {
        buffer += input[i];
        if (SYMBOLS.has(buffer)) last = { tok: buffer as Tok, lit: buffer };
        else if (last) break;
        i++;
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      if (!last) return items;
      continue;
    }
    let word = '';
    while (i < input.length && !isSpace(input[i]!) && !SPECIAL.has(input[i]!)) word += input[i++];
    items.push({ tok: word === 'in' || word === 'notin' ? word : 'id', lit: word });
  }
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In value positions `in` and `notin` are plain words. */
  peek(values = true): Item {
    const item = this.items[this.position] ?? { tok: 'end', lit: '' };
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item;
  }

  next(values = true): Item {
    const item = this.peek(values);
    this.position = Math.min(this.position + 1, this.items.length - 1);
    return item;
  }
}

const fail = (message: string) => new Error(message);

function parseValueList(p: Parser): string[] {
  const open = p.next();
  if (open.tok !== '(') throw fail(`found '${open.lit}' expected: '('`);
  const first = p.peek();
  if (first.tok === ')') {
    p.next();
    return [''];
  }
  if (first.tok !== 'id' && first.tok !== ',') throw fail(`found '${first.lit}', expected: ',', ')' or identifier`);
  const values = new Set<string>();
  for (;;) {
    const item = p.next();
    if (item.tok === 'id') {
      values.add(item.lit);
      const after = p.peek();
      if (after.tok === ',') continue;
      if (after.tok === ')') break;
      throw fail(`found '${after.lit}', expected: ',' or ')'`);
    }
    if (item.tok === ',') {
      if (values.size === 0) values.add('');
      const after = p.peek();
      if (after.tok === ')') {
        values.add('');
        break;
      }
      if (after.tok === ',') {
        p.next();
        values.add('');
      }
      continue;
    }
    throw fail(`found '${item.lit}', expected: ',', or identifier`);
  }
  const close = p.next();
  if (close.tok !== ')') throw fail(`found '${close.lit}', expected: ')'`);
  return [...values].sort();
}

function parseExactValue(p: Parser): string[] {
  const ahead = p.peek();
  if (ahead.tok === 'end' || ahead.tok === ',') return [''];
  const item = p.next();
  if (item.tok === 'id') return [item.lit];
  throw fail(`found '${item.lit}', expected: identifier`);
}

const OPERATORS: Partial<Record<Tok, Op>> = { '=': '=', '==': '=', '!=': '!=', in: 'in', notin: 'notin', '>': 'gt', '<': 'lt' };

function parseRequirement(p: Parser): Requirement {
  let item = p.next();
  const negated = item.tok === '!';
  if (negated) item = p.next();
  if (item.tok !== 'id') throw fail(`found '${item.lit}', expected: identifier`);
  const key = item.lit;
  const ahead = p.peek();
  if (ahead.tok === 'end' || ahead.tok === ',') return { key, op: negated ? '!exists' : 'exists', values: [] };
  const operator = p.next(false);
  const op = OPERATORS[operator.tok];
  if (!op) throw fail(`found '${operator.lit}', expected: '=', '!=', '==', 'in', notin'`);
  const values = op === 'in' || op === 'notin' ? parseValueList(p) : parseExactValue(p);
  return { key, op, values };
}

/** labels.Parse: the requirements of `selector`, or a 400 with the real server's text. */
export function parseRequirements(selector: string, validate: (r: Requirement) => Requirement): Requirement[] {
  const p = new Parser(lex(selector));
  const out: Requirement[] = [];
  for (;;) {
    const ahead = p.peek();
    if (ahead.tok === 'end') return out;
    if (ahead.tok !== 'id' && ahead.tok !== '!') throw badRequest(`found '${ahead.lit}', expected: !, identifier, or 'end of string'`);
    try {
      out.push(validate(parseRequirement(p)));
    } catch (e) {
      throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
    }
    const after = p.next();
    if (after.tok === 'end') return out;
    if (after.tok !== ',') throw badRequest(`found '${after.lit}', expected: ',' or 'end of string'`);
    const following = p.peek();
    if (following.tok !== 'id' && following.tok !== '!') throw badRequest(`found '${following.lit}', expected: identifier after ','`);
  }
}
