// The expressions the debugger understands: paths into decoded payloads, such as
// `call.args[0].orderId`, `slots[3].result.get("eur")` or `event.attributes["input"]`. They are
// the evaluateNames of every variable, so Watch and Copy as Expression work, and they are looked
// up, never run: no code executes in the agent, and none in the adapter. One rule for names: a
// path reaches what the Variables view shows as a child (own enumerable properties; an Error's
// name, message and stack too), never a prototype.

export type PathStep =
  | { kind: 'prop'; name: string }
  | { kind: 'index'; index: number }
  /** Map lookup by a primitive key. */
  | { kind: 'get'; key: unknown }
  /** The i-th entry of a Map ({ key, value }) or item of a Set, in iteration order. */
  | { kind: 'at'; index: number }
  /** A piece of a string: a page of a long one. */
  | { kind: 'slice'; from: number; to: number };

export interface ParsedPath {
  root: string;
  steps: PathStep[];
}

export class PathError extends Error {
  override name = 'PathError';
}

const IDENT = /^[A-Za-z_$][\w$]*/;

export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name);
}

/** The JS literal of a primitive Map key, or undefined when it has none. */
export function keyLiteral(key: unknown): string | undefined {
  switch (typeof key) {
    case 'string':
      return JSON.stringify(key);
    case 'number':
      return Number.isFinite(key) ? String(key) : undefined;
    case 'bigint':
      return `${key}n`;
    case 'boolean':
      return String(key);
    case 'undefined':
      return 'undefined';
    default:
      return key === null ? 'null' : undefined;
  }
}

/** The evaluateName of a property of the value at `base`. */
export function propPath(base: string, name: string): string {
  return isIdentifier(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`;
}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (t === 'null') return null;
  if (t === 'undefined') return undefined;
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+n$/.test(t)) return BigInt(t.slice(0, -1));
  if (/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return JSON.parse(t);
  if (/^'(?:[^'\\]|\\.)*'$/.test(t))
    return JSON.parse(`"${t.slice(1, -1).replace(/"/g, '\\"').replace(/\\'/g, "'")}"`);
  throw new PathError(
    `${t} is not a literal (a string, number, bigint, boolean, null or undefined)`,
  );
}

/** The offset of the `)` or `]` closing the bracket that opened just before `from`. */
function closing(text: string, from: number, close: string): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === close) return i;
  }
  return -1;
}

export function parsePath(expression: string): ParsedPath {
  const text = expression.trim();
  const root = IDENT.exec(text)?.[0];
  if (!root)
    throw new PathError(
      `"${expression}" is not a path such as call.args[0] (no code is evaluated)`,
    );
  const steps: PathStep[] = [];
  let i = root.length;
  while (i < text.length) {
    const rest = text.slice(i);
    const slice = /^\.slice\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(rest);
    if (slice) {
      steps.push({ kind: 'slice', from: Number(slice[1]), to: Number(slice[2]) });
      i += slice[0].length;
      continue;
    }
    const method = /^\.(get|at)\(/.exec(rest);
    if (method) {
      const end = closing(text, i + method[0].length, ')');
      if (end === -1) throw new PathError(`"${expression}": unclosed "("`);
      const arg = text.slice(i + method[0].length, end);
      if (method[1] === 'get') steps.push({ kind: 'get', key: parseLiteral(arg) });
      else {
        const index = Number(arg.trim());
        if (!Number.isInteger(index) || index < 0)
          throw new PathError(`"${expression}": .at() takes an index`);
        steps.push({ kind: 'at', index });
      }
      i = end + 1;
      continue;
    }
    const prop = /^\.([A-Za-z_$][\w$]*)/.exec(rest);
    if (prop) {
      steps.push({ kind: 'prop', name: prop[1] });
      i += prop[0].length;
      continue;
    }
    if (rest.startsWith('[')) {
      const end = closing(text, i + 1, ']');
      if (end === -1) throw new PathError(`"${expression}": unclosed "["`);
      const inner = text.slice(i + 1, end).trim();
      if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else {
        const name = parseLiteral(inner);
        if (typeof name !== 'string')
          throw new PathError(`"${expression}": [${inner}] must be an index or a string`);
        steps.push({ kind: 'prop', name });
      }
      i = end + 1;
      continue;
    }
    throw new PathError(
      `"${expression}": cannot read "${rest}" (paths use .name, [index], ["name"], .get(key), .at(index), .slice(from, to))`,
    );
  }
  return { root, steps };
}

/** The names a value's children have in the Variables view: what a path may name. */
export function childNames(value: object): string[] {
  const own = Object.keys(value);
  return value instanceof Error ? ['name', 'message', 'stack', ...own] : own;
}

/** Follows one step from a decoded value. */
export function followStep(value: unknown, step: PathStep): unknown {
  const fail = (what: string): never => {
    throw new PathError(what);
  };
  switch (step.kind) {
    case 'get':
      if (!(value instanceof Map)) fail('.get() applies to a Map');
      if (!(value as Map<unknown, unknown>).has(step.key))
        fail(`the Map has no key ${keyLiteral(step.key) ?? '?'}`);
      return (value as Map<unknown, unknown>).get(step.key);
    case 'at': {
      if (value instanceof Map) {
        const entry = [...value.entries()][step.index];
        if (!entry) fail(`the Map has no entry ${step.index}`);
        return { key: entry[0], value: entry[1] };
      }
      if (value instanceof Set) {
        if (step.index >= value.size) fail(`the Set has no item ${step.index}`);
        return [...value][step.index];
      }
      if (Array.isArray(value)) return value[step.index];
      return fail('.at() applies to a Map, a Set or an array');
    }
    case 'index':
      if (Array.isArray(value)) {
        if (step.index >= value.length)
          fail(`index ${step.index} is past the end (length ${value.length})`);
        return value[step.index];
      }
      return followStep(value, { kind: 'prop', name: String(step.index) });
    case 'slice':
      if (typeof value !== 'string') return fail('.slice() applies to a string');
      return (value as string).slice(step.from, step.to);
    case 'prop': {
      if (typeof value !== 'object' || value === null)
        fail(`cannot read "${step.name}" of ${value === null ? 'null' : typeof value}`);
      if (!childNames(value as object).includes(step.name)) fail(`there is no "${step.name}" here`);
      return (value as Record<string, unknown>)[step.name];
    }
  }
}
