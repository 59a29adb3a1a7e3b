// `${{ }}` inside shell text (core.shell `run:`/`rollback:`) is never spliced in as code: each
// one becomes a reference to an environment variable that holds its value. The reference is
// written to suit where it sits: "${X}" outside quotes, ${X} inside "...", '"${X}"' inside
// '...' (close, expand quoted, reopen). bash never parses an expansion's result as code, except
// where the text is parsed a second time (eval, `bash -c`, backticks...): those get a warning.
import { isSecretKey } from '../redact.js';
import { parseExpression, referencesOf } from './expressions.js';
import type { Expr } from './expressions.js';

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;
export const SHELL_VAR_PREFIX = 'RUNBOOK_EXPR_';

type Quote = 'none' | 'single' | 'double';

interface ScanState {
  quote: Quote;
  /** Why a value here could be parsed again as code, once seen. */
  reparsed?: string;
}

/** Advances the quoting state over plain shell text (no templates in it). */
function scan(text: string, state: ScanState): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (state.quote === 'single') {
      if (c === "'") state.quote = 'none';
      continue;
    }
    if (c === '\\') { i++; continue; }
    if (c === '`') state.reparsed ??= 'inside backticks';
    if (state.quote === 'double') {
      if (c === '"') state.quote = 'none';
      else if (c === '$' && text[i + 1] === '(') state.reparsed ??= 'inside $( ) within double quotes';
      continue;
    }
    if (c === "'") {
      if (text[i - 1] === '$') state.reparsed ??= "inside $'...'";
      state.quote = 'single';
    } else if (c === '"') state.quote = 'double';
    else if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') state.reparsed ??= 'in a here-document';
  }
  if (/(^|[\s;&|(])eval\s/.test(text) || /(^|\s)(ba|z|da|k)?sh\s+(-\w+\s+)*-\w*c\b/.test(text) || /\bssh\s/.test(text)) {
    state.reparsed ??= 'in text that a second shell parses (eval, sh -c, ssh)';
  }
}

/** True when the expression reads a param whose name says it is a secret. */
function readsSecret(src: string): boolean {
  try {
    return referencesOf(parseExpression(src)).some(([root, name]) => root === 'params' && name !== undefined && isSecretKey(name));
  } catch {
    return false; // a malformed template: validate reports it
  }
}

const reference = (name: string, quote: Quote) => (quote === 'double' ? `\${${name}}` : quote === 'single' ? `'"\${${name}}"'` : `"\${${name}}"`);

interface ShellTemplate {
  /** The environment variable that carries the value. */
  name: string;
  /** The expression text between the braces. */
  src: string;
  /** Character offset of the template (`${{`) in the shell text. */
  offset: number;
  /** Set when this place in the text may be parsed as code a second time. */
  reparsed?: string;
}

/**
 * Rewrites the templates of one shell text into variable references, numbering from `first`.
 * A template that reads a secret param gets a name ending in _SECRET: the journal redacts it
 * and the plan masks it (src/engine/redact.ts), as it does the param itself.
 */
export function rewriteShellText(text: string, first = 1): { text: string; templates: ShellTemplate[] } {
  const state: ScanState = { quote: 'none' };
  const templates: ShellTemplate[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TEMPLATE)) {
    const before = text.slice(last, m.index);
    scan(before, state);
    const name = `${SHELL_VAR_PREFIX}${first + templates.length}${readsSecret(m[1]!) ? '_SECRET' : ''}`;
    templates.push({ name, src: m[1]!, offset: m.index, ...(state.reparsed ? { reparsed: state.reparsed } : {}) });
    out += before + reference(name, state.quote);
    last = m.index + m[0].length;
  }
  return { text: out + text.slice(last), templates };
}

/**
 * The `with:` of a step whose `fields` are shell text: those fields rewritten (their templates
 * become variable references) and each variable's expression, parsed once, evaluated per scope.
 */
export function compileShellText(withBlock: Record<string, unknown>, fields: readonly string[]): { with: Record<string, unknown>; env: [string, Expr][] } {
  const out = { ...withBlock };
  const env: [string, Expr][] = [];
  let next = 1;
  for (const field of fields) {
    const text = out[field];
    if (typeof text !== 'string') continue;
    const rewritten = rewriteShellText(text, next);
    out[field] = rewritten.text;
    for (const t of rewritten.templates) env.push([t.name, parseExpression(t.src)]);
    next += rewritten.templates.length;
  }
  return { with: out, env };
}
