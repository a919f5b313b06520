// Payload codec: durable args, results, errors, events and memory values go through superjson,
// so Date, Map, Set, BigInt, undefined, Error and registered classes survive a crash.
import SuperJSON from 'superjson';
import { PayloadEncodingError } from './errors';

/** superjson's serialised form: plain JSON plus the type annotations needed to rebuild it. */
export interface Encoded {
  json: unknown;
  meta?: unknown;
}

/** A thrown value as persisted in a FAILED slot. */
export interface EncodedError {
  name: string;
  message: string;
  stack?: string;
  /** Set when the error's class was registered with `registerClass`, so replay rebuilds it. */
  className?: string;
  /** Own enumerable properties besides name/message/stack (e.g. `code`). */
  props?: Encoded;
  /** Set when something other than an Error was thrown: the value itself. */
  thrown?: Encoded;
  /** The error's `cause`, encoded the same way (up to MAX_CAUSES deep). */
  cause?: EncodedError;
}

/** How deep a chain of causes is kept: deeper links are dropped, and a cycle ends the chain. */
const MAX_CAUSES = 8;

const codec = new SuperJSON();
const errorClasses = new Map<string, new (...args: never[]) => Error>();
// Built-in error classes replay as themselves (the reference's Python keeps the exception type),
// so `instanceof TypeError` in an action's catch block means the same live and on replay.
for (const cls of [
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  PayloadEncodingError,
]) {
  errorClasses.set(cls.name, cls);
}
const MAX_DEPTH = 1000;

/**
 * Registers a class so its instances survive encoding: as values, and as thrown errors that
 * replay with their class (so `instanceof` still works after a crash).
 */
export function registerClass(cls: new (...args: never[]) => unknown, id?: string): void {
  const name = id ?? cls.name;
  if (!name)
    throw new TypeError('registerClass: the class has no name; pass an id as the second argument');
  if (cls.prototype instanceof Error || (cls as unknown) === Error) {
    errorClasses.set(name, cls as new (...args: never[]) => Error);
  } else {
    codec.registerClass(cls as never, name);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return `a symbol (${String(value)})`;
  return typeof value;
}

/**
 * Refuses what superjson would silently drop (functions, symbols) and what would overflow the
 * stack (absurd nesting), naming the path of the offending value.
 */
function checkEncodable(root: unknown, what: string): void {
  const seen = new Set<object>();
  const stack: Array<[unknown, string, number]> = [[root, what, 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new PayloadEncodingError(
        `${path} is ${describe(value)}, which cannot be persisted; durable args and results must be data (JSON values, Date, Map, Set, BigInt, Error or registered classes)`,
      );
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    if (depth > MAX_DEPTH) {
      throw new PayloadEncodingError(
        `${path} is nested more than ${MAX_DEPTH} levels deep; flatten it before persisting`,
      );
    }
    seen.add(value);
    if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        stack.push(
          [k, `${path}.<map key ${i}>`, depth + 1],
          [v, `${path}.<map value ${i}>`, depth + 1],
        );
        i++;
      }
    } else if (value instanceof Set) {
      let i = 0;
      for (const v of value) stack.push([v, `${path}.<set item ${i++}>`, depth + 1]);
    } else if (
      !(value instanceof Date) &&
      !(value instanceof Error) &&
      !(value instanceof RegExp)
    ) {
      for (const k of Object.keys(value))
        stack.push([(value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1]);
    }
  }
}

const NOT_PLAIN = Symbol('not plain JSON');

/**
 * A copy of `value` when it is plain JSON that superjson would encode with no annotations (finite
 * numbers but -0, strings, booleans, null, dense arrays and plain objects, each object reached
 * once), else NOT_PLAIN. This is the common case of durable args and results, and skipping
 * superjson there gives the very same Encoded, so digests do not depend on which path ran.
 */
function plainCopy(value: unknown, depth: number, seen: Set<object> | undefined): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'object':
      if (value === null) return null;
      break;
    default:
      return NOT_PLAIN;
  }
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  seen ??= new Set();
  if (seen.has(value)) return NOT_PLAIN;
  seen.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const item = plainCopy(value[i], depth + 1, seen);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return NOT_PLAIN;
    const item = plainCopy((value as Record<string, unknown>)[key], depth + 1, seen);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[key] = item;
  }
  return out;
}

/** Encodes a value; `what` names it in errors ("the result of charge", "args[1]"). */
export function encode(value: unknown, what = 'the value'): Encoded {
  const plain = plainCopy(value, 0, undefined);
  if (plain !== NOT_PLAIN) return { json: plain };
  checkEncodable(value, what);
  let out: Encoded;
  try {
    out = codec.serialize(value) as Encoded;
  } catch (error) {
    // superjson refuses a few things itself (e.g. a "constructor" key); that is still an
    // encoding failure, so a durable call persists it instead of losing its slot.
    throw new PayloadEncodingError(`${what} cannot be persisted: ${(error as Error).message}`);
  }
  return out.meta === undefined ? { json: out.json } : out;
}

export function decode<T = unknown>(encoded: Encoded): T {
  if (encoded.meta === undefined) {
    const json = encoded.json;
    // A fresh copy either way, so a caller changing the value cannot change what was persisted.
    if (typeof json !== 'object' || json === null) return json as T;
    const copy = plainCopy(json, 0, undefined);
    if (copy !== NOT_PLAIN) return copy as T;
  }
  return codec.deserialize(encoded as never) as T;
}

/**
 * Whether a line of a stack is a frame of the process that hosts the runtime (its own code,
 * Node's internals) rather than of the agent: set by the host, which alone knows its files.
 */
let isHostFrame: ((frame: string) => boolean) | undefined;

/** Every error stack encoded from now on (persisted or sent) leaves out the host's frames. */
export function leaveOutHostFrames(isHost: (frame: string) => boolean): void {
  isHostFrame = isHost;
}

function userStack(stack: string | undefined): string | undefined {
  if (stack === undefined || !isHostFrame) return stack;
  const test = isHostFrame;
  return stack
    .split('\n')
    .filter((line) => !(/^\s+at /.test(line) && test(line)))
    .join('\n');
}

export function encodeError(thrown: unknown, seen: Error[] = []): EncodedError {
  if (!(thrown instanceof Error)) {
    let value: Encoded;
    try {
      value = encode(thrown, 'the thrown value');
    } catch {
      value = { json: String(thrown) };
    }
    return { name: 'NonError', message: String(thrown), thrown: value };
  }
  const out: EncodedError = {
    name: thrown.name,
    message: thrown.message,
    stack: userStack(thrown.stack),
  };
  const ctorName = (thrown.constructor as { name?: string } | undefined)?.name;
  for (const [id, cls] of errorClasses) {
    if (thrown.constructor === cls || (ctorName === id && thrown instanceof cls))
      out.className = id;
  }
  const props: Record<string, unknown> = {};
  for (const k of Object.keys(thrown))
    if (k !== 'name' && k !== 'message' && k !== 'stack') props[k] = (thrown as never)[k];
  if (Object.keys(props).length > 0) {
    try {
      out.props = encode(props, 'the error properties');
    } catch {
      // Properties that cannot be stored are dropped; the name, message and stack still replay.
    }
  }
  // `cause` is not enumerable (`new Error(message, { cause })`), so props does not carry it.
  const cause = (thrown as { cause?: unknown }).cause;
  const chain = [...seen, thrown];
  if (cause !== undefined && chain.length <= MAX_CAUSES && !chain.includes(cause as Error))
    out.cause = encodeError(cause, chain);
  return out;
}

/** Rebuilds a persisted failure so that replay throws what the original call threw. */
export function decodeError(encoded: EncodedError, depth = 0): unknown {
  if (encoded.thrown) return decode(encoded.thrown);
  const cls = encoded.className ? errorClasses.get(encoded.className) : undefined;
  const error: Error = cls ? Object.create(cls.prototype) : new Error(encoded.message);
  Object.defineProperty(error, 'message', {
    value: encoded.message,
    writable: true,
    configurable: true,
  });
  if (!cls || error.name !== encoded.name) {
    Object.defineProperty(error, 'name', {
      value: encoded.name,
      writable: true,
      configurable: true,
    });
  }
  if (encoded.stack !== undefined) {
    Object.defineProperty(error, 'stack', {
      value: encoded.stack,
      writable: true,
      configurable: true,
    });
  }
  if (encoded.props) Object.assign(error, decode<Record<string, unknown>>(encoded.props));
  // A journal written by hand could chain causes without end; what we write stops at MAX_CAUSES.
  if (encoded.cause && depth < MAX_CAUSES) {
    Object.defineProperty(error, 'cause', {
      value: decodeError(encoded.cause, depth + 1),
      writable: true,
      configurable: true,
    });
  }
  return error;
}

/** The plain-JSON view of a payload, for people and for `--json` output. */
export function toPlainJson(encoded: Encoded | undefined): unknown {
  return encoded === undefined ? undefined : encoded.json;
}
