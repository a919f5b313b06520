// What a payload may hold: one walk over a value before it is encoded, refusing at once, with the
// path of the offending part, whatever would not come back equal from the journal (a function,
// an instance of a class that is not registered, a sparse array...). What passes is carried
// faithfully by the codec, live and on replay.
import { errorClassId } from './errorClasses';
import { PayloadEncodingError } from './errors';

/** Payloads nest at most this deep: deeper ones would overflow the stack of whoever reads them. */
export const MAX_DEPTH = 1000;

/** The keys that name an object's prototype machinery; carried as data, never set through. */
export const PROTO_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const DATA_TYPES =
  'JSON values, Date, Map, Set, BigInt, Buffer and typed arrays, Error, or instances of classes registered with registerClass';

/** The typed array classes the codec carries, by name. */
export const TYPED_ARRAYS: ReadonlyMap<string, { prototype: object }> = new Map(
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ].map((cls) => [cls.name, cls]),
);

const BINARY_PROTOS = new Set<object>([
  Buffer.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  ...[...TYPED_ARRAYS.values()].map((cls) => cls.prototype),
]);
/** Built-in classes carried as themselves (their exact class: a subclass of one is not). */
const LEAF_PROTOS = new Set<object>([Date.prototype, RegExp.prototype, URL.prototype]);

/** `isRegistered(ctor)`: the codec rebuilds instances of this class (registerClass). */
export function checkPayload(
  root: unknown,
  what: string,
  isRegistered: (ctor: unknown) => boolean,
): void {
  /** Where each object was first met, and whether inside a container that keeps no identity. */
  const seen = new Map<object, { path: string; opaque: boolean }>();
  const stack: Array<[value: unknown, path: string, depth: number, opaque: boolean]> = [
    [root, what, 0, false],
  ];
  const refuse = (path: string, why: string): never => {
    throw new PayloadEncodingError(`${path} ${why}`);
  };
  while (stack.length > 0) {
    const [value, path, depth, opaque] = stack.pop()!;
    if (typeof value === 'function') {
      refuse(
        path,
        `is a function${value.name ? ` (${value.name})` : ''}, which cannot be persisted; durable args, results, events and memory must be data (${DATA_TYPES})`,
      );
    }
    if (typeof value === 'symbol')
      refuse(path, `is a symbol (${String(value)}), which cannot be persisted; use a string`);
    if (typeof value !== 'object' || value === null) continue;
    const first = seen.get(value);
    if (first) {
      // superjson restores shared and circular references only among plain objects, arrays, Maps
      // and Sets: one that runs through an Error or a class instance would come back as a copy.
      if (opaque || first.opaque) {
        refuse(
          path,
          `is the same object as ${first.path}; a shared or circular reference inside an Error, a class instance or an object with a "__proto__", "constructor" or "prototype" key cannot be persisted: copy the value (structuredClone) where it is used twice`,
        );
      }
      continue;
    }
    seen.set(value, { path, opaque });
    if (depth > MAX_DEPTH)
      refuse(path, `is nested more than ${MAX_DEPTH} levels deep; flatten it before persisting`);
    const push = (child: unknown, childPath: string, childOpaque: boolean) =>
      stack.push([child, childPath, depth + 1, childOpaque]);
    const proto = Object.getPrototypeOf(value) as object | null;
    /** Only string keys are carried: a property keyed by a symbol would be dropped. */
    const noSymbolKeys = () => {
      const symbol = Object.getOwnPropertySymbols(value).find((s) =>
        Object.prototype.propertyIsEnumerable.call(value, s),
      );
      if (symbol !== undefined)
        refuse(
          path,
          `has a property keyed by a symbol (${String(symbol)}), which cannot be persisted; use a string key`,
        );
    };
    if (proto === Array.prototype) {
      noSymbolKeys();
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) {
        if (!(i in list))
          refuse(
            path,
            `is a sparse array (index ${i} is an empty slot), which would come back with undefined there; fill it (with undefined or null) before persisting`,
          );
      }
      const extra = Object.keys(list).length - list.length;
      if (extra > 0) {
        const name = Object.keys(list).find((k) => !/^(0|[1-9]\d*)$/.test(k));
        refuse(
          path,
          `is an array with a property besides its items ("${name}"), which an array does not carry; put the array and that property in an object`,
        );
      }
      for (let i = list.length - 1; i >= 0; i--) push(list[i], `${path}.${i}`, opaque);
      continue;
    }
    if (proto === Object.prototype || proto === null) {
      noSymbolKeys();
      const keys = Object.keys(value);
      // Such an object is rebuilt by the codec's own transformer, which keeps no identity inside.
      const protoKeys = keys.some((k) => PROTO_KEYS.has(k));
      for (let i = keys.length - 1; i >= 0; i--)
        push(
          (value as Record<string, unknown>)[keys[i]],
          `${path}.${keys[i]}`,
          opaque || protoKeys,
        );
      continue;
    }
    if (proto !== null && (LEAF_PROTOS.has(proto) || BINARY_PROTOS.has(proto))) continue;
    if (proto === Map.prototype) {
      let i = 0;
      for (const [k, v] of value as Map<unknown, unknown>) {
        push(k, `${path}.<map key ${i}>`, opaque);
        push(v, `${path}.<map value ${i}>`, opaque);
        i++;
      }
      continue;
    }
    if (proto === Set.prototype) {
      let i = 0;
      for (const v of value as Set<unknown>) push(v, `${path}.<set item ${i++}>`, opaque);
      continue;
    }
    const ctor = (value as { constructor?: unknown }).constructor;
    if (value instanceof Error) {
      if (errorClassId(value, true) === undefined) {
        const name = typeof ctor === 'function' && ctor.name ? ctor.name : value.name;
        refuse(
          path,
          `is an instance of ${name}, an Error subclass that is not registered, so it would come back as a plain Error: call registerClass(${name}) (from 'durable-run') so it is rebuilt as itself, or persist plain data`,
        );
      }
      noSymbolKeys();
      for (const k of Object.keys(value)) {
        if (k === 'name' || k === 'message' || k === 'stack') continue;
        push((value as unknown as Record<string, unknown>)[k], `${path}.${k}`, true);
      }
      if (Object.hasOwn(value, 'cause')) push(value.cause, `${path}.cause`, true);
      if (value instanceof AggregateError) push(value.errors, `${path}.errors`, true);
      continue;
    }
    const name = typeof ctor === 'function' && ctor.name ? ctor.name : undefined;
    if (
      name &&
      [Array, Map, Set, Date, RegExp, URL, ArrayBuffer, DataView, ...TYPED_ARRAYS.values()].some(
        (base) => value instanceof (base as unknown as new () => object),
      )
    ) {
      refuse(
        path,
        `is an instance of ${name}, a subclass of a built-in class, which would come back as its base class (registerClass cannot rebuild it either): persist an instance of the base class`,
      );
    }
    if (isRegistered(ctor)) {
      noSymbolKeys();
      for (const k of Object.keys(value)) {
        if (PROTO_KEYS.has(k))
          refuse(
            `${path}.${k}`,
            `is a "${k}" property of a class instance, which cannot be rebuilt; rename it`,
          );
        push((value as Record<string, unknown>)[k], `${path}.${k}`, true);
      }
      continue;
    }
    if (value instanceof Promise)
      refuse(
        path,
        'is a Promise, which cannot be persisted: await it first (a missing "await"?) and persist its value',
      );
    refuse(
      path,
      name
        ? `is an instance of ${name}, a class that is not registered, so it would come back as a plain object: call registerClass(${name}) (from 'durable-run') so it is rebuilt as a ${name}, or persist plain data`
        : `is an object of a kind that cannot be persisted (${Object.prototype.toString.call(value)}); durable args, results, events and memory must be data (${DATA_TYPES})`,
    );
  }
}
