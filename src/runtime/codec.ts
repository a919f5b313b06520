// Payload codec: durable args, results, errors, events and memory values go through superjson
// (with the types of payloadTypes.ts added), so Date, Map, Set, BigInt, undefined, Error, bytes
// and registered classes survive a crash; what would not survive is refused (payloadCheck.ts).
import SuperJSON from 'superjson';
import {
  assignProps,
  errorClassId,
  errorProps,
  rebuildError,
  registerErrorClass,
  type ErrorClass,
} from './errorClasses';
import { PayloadEncodingError } from './errors';
import { checkPayload, MAX_DEPTH } from './payloadCheck';
import { registerPayloadTypes } from './payloadTypes';

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
registerPayloadTypes(codec);

/** Whether the codec rebuilds instances of this constructor (registerClass). */
function isRegistered(ctor: unknown): boolean {
  return (
    typeof ctor === 'function' && codec.classRegistry.getIdentifier(ctor as never) !== undefined
  );
}

/**
 * Registers a class so its instances survive encoding: as values, and as thrown errors that
 * replay with their class (so `instanceof` still works after a crash). An instance is rebuilt
 * from its own enumerable properties, without running the constructor.
 */
export function registerClass(cls: new (...args: never[]) => unknown, id?: string): void {
  if (typeof cls !== 'function')
    throw new TypeError('registerClass: the argument must be a class (a constructor function)');
  const name = id ?? cls.name;
  if (!name)
    throw new TypeError('registerClass: the class has no name; pass an id as the second argument');
  if (cls.prototype instanceof Error || (cls as unknown) === Error) {
    registerErrorClass(cls as ErrorClass, name);
  } else {
    codec.registerClass(cls as never, name);
  }
}

const NOT_PLAIN = Symbol('not plain JSON');

/**
 * A copy of `value` when it is plain JSON that superjson would encode with no annotations (finite
 * numbers but -0, strings, booleans, null, dense arrays and plain objects, each object reached
 * once), else NOT_PLAIN. This is the common case of durable args and results, and skipping
 * superjson there gives the very same Encoded, so digests do not depend on which path ran. A
 * `__proto__` key is copied as a key (superjson refuses it, so only this path carries it).
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
  // A symbol key (or, on an array, a property besides its items) would be dropped: not plain.
  if (Object.getOwnPropertySymbols(value).length > 0) return NOT_PLAIN;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const item = plainCopy(value[i], depth + 1, seen);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    if (Object.keys(value).length !== value.length) return NOT_PLAIN;
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = plainCopy((value as Record<string, unknown>)[key], depth + 1, seen);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = item;
  }
  return out;
}

/**
 * Encodes a value; `what` names it in errors ("the result of charge", "args[1]"). Whatever would
 * not come back equal (see payloadCheck.ts) is refused here, with a PayloadEncodingError naming
 * its path: at the moment it is produced, never later on replay.
 */
export function encode(value: unknown, what = 'the value'): Encoded {
  try {
    const plain = plainCopy(value, 0, undefined);
    if (plain !== NOT_PLAIN) return { json: plain };
    checkPayload(value, what, isRegistered);
    const out = codec.serialize(value as never) as Encoded;
    return out.meta === undefined ? { json: out.json } : out;
  } catch (error) {
    if (error instanceof PayloadEncodingError) throw error;
    // A getter or a proxy that throws, or something superjson itself refuses.
    throw new PayloadEncodingError(
      `${what} cannot be persisted: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function decode<T = unknown>(encoded: Encoded): T {
  if (encoded.meta === undefined) {
    const json = encoded.json;
    // A fresh copy either way, so a caller changing the value cannot change what was persisted.
    if (typeof json !== 'object' || json === null) return json as T;
    const copy = plainCopy(json, 0, undefined);
    if (copy !== NOT_PLAIN) return copy as T;
  }
  // superjson's copy drops `__proto__` keys: with annotations, such objects are written as
  // entries (payloadTypes.ts), so a `__proto__` key here was not written by durable-run.
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
  const className = errorClassId(thrown, false);
  if (className !== undefined && className !== 'Error') out.className = className;
  const props = errorProps(thrown);
  if (props) {
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
  const error = rebuildError(encoded);
  if (encoded.props) {
    const props = decode<Record<string, unknown>>(encoded.props);
    assignProps(error, props);
    // An AggregateError's `errors` is not enumerable.
    if (error instanceof AggregateError && Array.isArray(props.errors))
      Object.defineProperty(error, 'errors', { enumerable: false });
  }
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
