// A static outline of an agent source file: the lines of its durable calls and the name and body
// range of each action. The worker knows where calls are made only once they are made, and never
// where actions are defined, so breakpoint verification and action frames come from here. A small
// scanner, not a parser: it blanks comments, strings and template text, then matches tokens.
import * as fs from 'node:fs';
import { outlinePythonSource } from './pythonOutline';

export interface OutlineCall {
  /** 1-based line and column of the `durableExecute` token (where V8 reports the call site). */
  line: number;
  column: number;
  api: 'durableExecute' | 'durableExecuteAsync';
  /** The function id the call will have when it can be read statically: `{ id: '…' }`, else
   *  the first argument's identifier. */
  functionId?: string;
  /** The line of the call's closing parenthesis (a call's arguments may span lines). */
  endLine: number;
  /** The lines of its `reconciler` option (the value written there, and the body of a function
   *  it names in this file). */
  reconciler?: Array<[number, number]>;
}

export interface OutlineAction {
  name: string;
  /** The line of the `run` property. */
  runLine: number;
  /** 1-based lines of the run function's body braces, inclusive (the first is where the action
   *  frame points at its start, the last at its end). */
  bodyStart: number;
  bodyEnd: number;
}

export interface AgentOutline {
  calls: OutlineCall[];
  actions: OutlineAction[];
}

/**
 * Replaces the contents of comments, strings, template text and regex literals with spaces
 * (newlines kept), so offsets and lines stay those of the original text and code tokens inside
 * them are never matched. Quotes are kept, so string values can be read back from the original.
 */
export function blankNonCode(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++)
      if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  // Brace depth at which each open template's `${` expression started.
  const templateStack: number[] = [];
  let depth = 0;
  let lastSignificant = '';
  let i = 0;
  const n = text.length;
  const scanTemplate = (start: number): number => {
    // `start` is just after the backtick or after the `}` closing an expression.
    let j = start;
    while (j < n) {
      const c = text[j];
      if (c === '\\') j += 2;
      else if (c === '`') {
        blank(start, j);
        return j + 1;
      } else if (c === '$' && text[j + 1] === '{') {
        blank(start, j);
        templateStack.push(depth);
        depth++;
        return j + 2;
      } else j++;
    }
    blank(start, n);
    return n;
  };
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, n));
      i = j + 1;
      lastSignificant = c;
    } else if (c === '`') {
      i = scanTemplate(i + 1);
      lastSignificant = '`';
    } else if (c === '/' && regexAllowedAfter(lastSignificant, text, i)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== '\n') {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        else if (text[j] === '/' && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      lastSignificant = '/';
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templateStack.length > 0 && templateStack[templateStack.length - 1] === depth) {
          templateStack.pop();
          i = scanTemplate(i + 1);
          lastSignificant = '`';
          continue;
        }
      }
      if (!/\s/.test(c)) lastSignificant = c;
      i++;
    }
  }
  return out.join('');
}

function regexAllowedAfter(last: string, text: string, at: number): boolean {
  if (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last)) return true;
  const before = /([A-Za-z_$][\w$]*)\s*$/.exec(text.slice(Math.max(0, at - 20), at));
  return (
    before !== null &&
    ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'void'].includes(before[1])
  );
}

/** Offsets of line starts, to turn an offset into a 1-based line and column. */
function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The offset of the bracket matching the one at `open`, in blanked code; -1 when unbalanced. */
function matching(code: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (OPEN[c]) stack.push(OPEN[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** The offset of the `{` that opens the innermost object or block around `at`. */
function enclosingBrace(code: string, at: number): number {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = code[i];
    if (c === '}' || c === ')' || c === ']') depth++;
    else if (c === '{' || c === '(' || c === '[') {
      if (depth === 0) return c === '{' ? i : -1;
      depth--;
    }
  }
  return -1;
}

/** Offsets of the top-level property names (`name:` or `name(`) of the object at [open, close]. */
function topLevelProperty(code: string, open: number, close: number, name: string): number {
  let depth = 0;
  const re = new RegExp(`(?:^|[\\s,{])(?:async\\s+)?${name}\\s*[:(]`, 'y');
  for (let i = open + 1; i < close; i++) {
    const c = code[i];
    if (OPEN[c]) depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0) {
      re.lastIndex = i - 1;
      const m = re.exec(code);
      if (m) return code.indexOf(name, i - 1 + (m[0].length - m[0].trimStart().length));
    }
  }
  return -1;
}

/** The string literal value starting at `quote` (an offset into the original text). */
function stringAt(text: string, code: string, quote: number): string | undefined {
  const q = code[quote];
  if (q !== "'" && q !== '"' && q !== '`') return undefined;
  const end = code.indexOf(q, quote + 1);
  if (end === -1) return undefined;
  const raw = text.slice(quote + 1, end);
  return raw.includes('\\') || raw.includes('${') ? undefined : raw;
}

/** The body braces of the function that starts at `from` (after `run:` or at `run(`). */
function functionBody(code: string, from: number): [number, number] | undefined {
  let i = from;
  const skip = () => {
    while (i < code.length && /\s/.test(code[i])) i++;
  };
  skip();
  for (const word of ['async', 'function']) {
    if (code.startsWith(word, i) && !/[\w$]/.test(code[i + word.length] ?? '')) {
      i += word.length;
      skip();
    }
  }
  if (code[i] === '*') i++;
  skip();
  const ident = /^[A-Za-z_$][\w$]*/.exec(code.slice(i, i + 200));
  // A single parameter without parentheses: `event => {`.
  if (
    ident &&
    !code
      .slice(i + ident[0].length)
      .trimStart()
      .startsWith('=>')
  )
    i += ident[0].length;
  skip();
  if (code[i] === '(') {
    const close = matching(code, i);
    if (close === -1) return undefined;
    i = close + 1;
  } else if (ident) i += ident[0].length;
  // A return type annotation or the arrow, up to the body's brace; an expression body has none.
  const rest = code.slice(i, i + 400);
  const arrow = rest.indexOf('=>');
  const brace = rest.indexOf('{');
  if (brace === -1) return undefined;
  if (arrow !== -1 && arrow < brace && rest.slice(arrow + 2, brace).trim() !== '') return undefined;
  const open = i + brace;
  const close = matching(code, open);
  return close === -1 ? undefined : [open, close];
}

/** Resolves `run: handler` to the body of `function handler(` or `const handler = …` in the file. */
function namedFunctionBody(code: string, name: string): [number, number] | undefined {
  const decl = new RegExp(`\\bfunction\\s*\\*?\\s*${name}\\s*\\(`).exec(code);
  if (decl) return bodyFromParen(code, decl.index + decl[0].length - 1);
  const binding = new RegExp(`\\b(?:const|let|var)\\s+${name}\\s*(?::[^=]*)?=\\s*`).exec(code);
  return binding ? functionBody(code, binding.index + binding[0].length) : undefined;
}

function bodyFromParen(code: string, paren: number): [number, number] | undefined {
  const close = matching(code, paren);
  if (close === -1) return undefined;
  const open = code.indexOf('{', close);
  if (open === -1) return undefined;
  const end = matching(code, open);
  return end === -1 ? undefined : [open, end];
}

/** The end of the value that starts at `from`: the `,` or closing bracket that ends it. */
function valueEnd(code: string, from: number): number {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (OPEN[c]) depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i - 1;
      depth--;
    } else if (c === ',' && depth === 0) return i - 1;
  }
  return code.length - 1;
}

/** Offsets of a call's `reconciler` option: its value, and the function it names, if any. */
function reconcilerRanges(
  code: string,
  argsStart: number,
  argsCode: string,
): Array<[number, number]> {
  const m = /(?:^|[\s,{])reconciler\s*([:(,}])/.exec(argsCode);
  if (!m) return [];
  if (m[1] === ',' || m[1] === '}') {
    // Shorthand `{ reconciler }`: a function of that name in this file.
    const body = namedFunctionBody(code, 'reconciler');
    return body ? [body] : [];
  }
  const at = argsStart + m.index + m[0].length - 1;
  if (m[1] === '(') {
    const body = bodyFromParen(code, at);
    return body ? [[at, body[1]]] : [];
  }
  const end = valueEnd(code, at + 1);
  const ranges: Array<[number, number]> = [[at, end]];
  const named = /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(code.slice(at + 1, end + 1))?.[1];
  const body = named ? namedFunctionBody(code, named) : undefined;
  if (body) ranges.push(body);
  return ranges;
}

export function outlineSource(text: string): AgentOutline {
  const code = blankNonCode(text);
  const where = lineIndex(text);
  const calls: OutlineCall[] = [];
  const callRe = /\b(durableExecute(?:Async)?)\s*(?:<[^>()]*>\s*)?\(/g;
  for (let m = callRe.exec(code); m; m = callRe.exec(code)) {
    const { line, column } = where(m.index);
    const paren = m.index + m[0].length - 1;
    const close = matching(code, paren);
    const argsCode = close === -1 ? '' : code.slice(paren + 1, close);
    let functionId: string | undefined;
    const idOption = /\bid\s*:\s*(?=['"`])/g.exec(argsCode);
    if (idOption)
      functionId = stringAt(text, code, paren + 1 + idOption.index + idOption[0].length);
    functionId ??= /^\s*([A-Za-z_$][\w$]*)\s*[,)]/.exec(argsCode + ')')?.[1];
    const endLine = close === -1 ? line : where(close).line;
    const reconciler = reconcilerRanges(code, paren + 1, argsCode).map(
      ([from, to]): [number, number] => [where(from).line, where(to).line],
    );
    calls.push({
      line,
      column,
      api: m[1] as OutlineCall['api'],
      functionId,
      endLine,
      ...(reconciler.length > 0 ? { reconciler } : {}),
    });
  }

  const actions: OutlineAction[] = [];
  const nameRe = /(?:^|[\s,{])name\s*:\s*(?=['"`])/g;
  for (let m = nameRe.exec(code); m; m = nameRe.exec(code)) {
    const name = stringAt(text, code, m.index + m[0].length);
    const open = enclosingBrace(code, m.index + 1);
    if (name === undefined || open === -1) continue;
    const close = matching(code, open);
    if (close === -1) continue;
    const run = topLevelProperty(code, open, close, 'run');
    if (run === -1) continue;
    const afterRun = run + 3;
    let body: [number, number] | undefined;
    const valueStart = code.slice(afterRun).search(/\S/) + afterRun;
    if (code[valueStart] === '(') body = bodyFromParen(code, valueStart);
    else {
      const value = code.slice(valueStart + 1);
      const ref = /^\s*([A-Za-z_$][\w$]*)\s*[,}]/.exec(value);
      body =
        ref && ref[1] !== 'async' && ref[1] !== 'function'
          ? namedFunctionBody(code, ref[1])
          : functionBody(code, valueStart + 1);
    }
    if (!body) continue;
    actions.push({
      name,
      runLine: where(run).line,
      bodyStart: where(body[0]).line,
      bodyEnd: where(body[1]).line,
    });
  }
  return { calls, actions };
}

const cache = new Map<string, { mtimeMs: number; size: number; outline: AgentOutline }>();

/** The outline of a file, cached until the file changes; undefined when it cannot be read. */
export function outlineFile(file: string): AgentOutline | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.outline;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const outline = file.endsWith('.py') ? outlinePythonSource(text, file) : outlineSource(text);
  cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, outline });
  return outline;
}

/** The action whose run body holds the line, innermost first (a nested agent is unusual). */
export function actionAt(outline: AgentOutline, line: number): OutlineAction | undefined {
  let best: OutlineAction | undefined;
  for (const a of outline.actions) {
    if (line !== a.runLine && (line < a.bodyStart || line > a.bodyEnd)) continue;
    if (!best || a.bodyStart > best.bodyStart) best = a;
  }
  return best;
}
