// Values across the codec's whole domain, for the property tests: everything durable-run carries
// (JSON, undefined, BigInt, odd numbers, Date, RegExp, URL, Map, Set, Error values, bytes,
// registered classes, keys such as "__proto__") and everything it must refuse when the value is
// produced (functions, symbols, unregistered classes, sparse arrays, Promises...). Each generated
// value says whether it must be refused, and `sameValue` says what "comes back equal" means.
import fc from 'fast-check';
import { registerClass } from '../../src/runtime/codec';

/** A registered class: rebuilt with its prototype from its own enumerable properties. */
export class Point {
  constructor(
    public x: unknown = 0,
    public y: unknown = 0,
  ) {}
  norm(): number {
    return Math.hypot(Number(this.x), Number(this.y));
  }
}
registerClass(Point);

/** A registered Error subclass. */
export class Declined extends Error {
  override name = 'Declined';
}
registerClass(Declined);

/** Classes that are not registered: their instances must be refused. */
export class Unregistered {
  value = 1;
}
export class UnregisteredError extends Error {
  override name = 'UnregisteredError';
}
class SubMap extends Map<unknown, unknown> {}

/** A value, and whether encoding it must be refused (with a PayloadEncodingError). */
export interface Sample {
  value: unknown;
  refused: boolean;
}

const ok = (value: unknown): Sample => ({ value, refused: false });
const bad = (value: unknown): Sample => ({ value, refused: true });

const keyArb = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString') },
  { weight: 1, arbitrary: fc.constantFrom('a.b', 'a\\.b', '0', '12', '-1', '', 'v', 'meta') },
);

const numberArb = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MAX_SAFE_INTEGER, 5e-324),
);

const bytesArb: fc.Arbitrary<Sample> = fc
  .tuple(
    fc.constantFrom(
      'Buffer',
      'ArrayBuffer',
      'DataView',
      'Int8Array',
      'Uint8Array',
      'Uint8ClampedArray',
      'Int16Array',
      'Uint16Array',
      'Int32Array',
      'Uint32Array',
      'Float32Array',
      'Float64Array',
      'BigInt64Array',
      'BigUint64Array',
    ),
    fc.uint8Array({ maxLength: 24 }),
    fc.nat({ max: 3 }),
  )
  .map(([kind, raw, offset]) => {
    // Element sizes up to 8: a whole number of elements, at an aligned offset into a larger buffer.
    const size = kind.includes('64') ? 8 : kind.includes('32') ? 4 : kind.includes('16') ? 2 : 1;
    const length = raw.length - (raw.length % size);
    const buffer = new ArrayBuffer(length + offset * size);
    new Uint8Array(buffer, offset * size).set(raw.subarray(0, length));
    if (kind === 'Buffer') return ok(Buffer.from(raw));
    if (kind === 'ArrayBuffer') return ok(buffer);
    if (kind === 'DataView') return ok(new DataView(buffer, offset * size));
    const cls = (
      globalThis as unknown as Record<string, new (b: ArrayBuffer, o: number) => unknown>
    )[kind];
    return ok(new cls(buffer, offset * size));
  });

const leafArb: fc.Arbitrary<Sample> = fc.oneof(
  { weight: 4, arbitrary: fc.string().map(ok) },
  { weight: 3, arbitrary: numberArb.map(ok) },
  { weight: 1, arbitrary: fc.bigInt().map(ok) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, undefined).map(ok) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.date({ noInvalidDate: true }), fc.constant(new Date(NaN)))
      .map((d) => ok(new Date(d.getTime()))),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(/a+b/gi, /^x$/m, /[\u{1F600}]/u).map((r) => ok(new RegExp(r))),
  },
  { weight: 1, arbitrary: fc.webUrl().map((u) => ok(new URL(u))) },
  { weight: 2, arbitrary: bytesArb },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      bad(() => 1),
      bad(function named() {}),
      bad(Symbol('s')),
      bad(new Unregistered()),
      bad(Promise.resolve(1)),
      bad(new WeakMap()),
      bad(new SubMap()),
      bad(new UnregisteredError('not registered')),

      bad(new String('boxed')),
    ),
  },
);

function objectOf(entries: Array<[string, Sample]>, nullProto: boolean): Sample {
  const out: Record<string, unknown> = nullProto ? Object.create(null) : {};
  for (const [k, s] of entries)
    Object.defineProperty(out, k, {
      value: s.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return { value: out, refused: entries.some(([, s]) => s.refused) };
}

function errorOf(
  kind: 'Error' | 'RangeError' | 'TypeError' | 'Declined',
  message: string,
  props: Array<[string, Sample]>,
  cause: Sample | undefined,
): Sample {
  const classes = { Error, RangeError, TypeError, Declined };
  const error = cause
    ? new classes[kind](message, { cause: cause.value })
    : new classes[kind](message);
  let refused = cause?.refused ?? false;
  for (const [k, s] of props) {
    if (k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    Object.defineProperty(error, k, {
      value: s.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    refused ||= s.refused;
  }
  return { value: error, refused };
}

const { sample } = fc.letrec<{ sample: Sample }>((tie) => {
  const child = tie('sample');
  const entries = fc.array(fc.tuple(keyArb, child), { maxLength: 4 });
  return {
    sample: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 5, arbitrary: leafArb },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.array(child, { maxLength: 4 }), fc.boolean(), fc.boolean())
          .map(([items, holey, extra]) => {
            const list: unknown[] = items.map((s) => s.value);
            let refused = items.some((s) => s.refused);
            if (holey && list.length > 0) {
              delete list[0];
              refused = true;
            }
            if (extra && list.length > 0) {
              (list as unknown as Record<string, unknown>).extra = 1;
              refused = true;
            }
            return { value: list, refused };
          }),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(entries, fc.boolean())
          .map(([es, nullProto]) => objectOf(dedupe(es), nullProto)),
      },
      {
        weight: 1,
        arbitrary: fc.array(fc.tuple(child, child), { maxLength: 3 }).map((pairs) => ({
          value: new Map(pairs.map(([k, v]) => [k.value, v.value])),
          refused: pairs.some(([k, v]) => k.refused || v.refused),
        })),
      },
      {
        weight: 1,
        arbitrary: fc.array(child, { maxLength: 3 }).map((items) => ({
          value: new Set(items.map((s) => s.value)),
          refused: items.some((s) => s.refused),
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom('Error', 'RangeError', 'TypeError', 'Declined' as const),
            fc.string({ maxLength: 8 }),
            entries,
            fc.option(child, { nil: undefined }),
          )
          .map(([kind, message, props, cause]) => errorOf(kind, message, dedupe(props), cause)),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(child, child).map(([x, y]) => ({
          value: new Point(x.value, y.value),
          refused: x.refused || y.refused,
        })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(child, fc.boolean()).map(([s, symbolKey]) => {
          const value = { inner: s.value } as Record<string | symbol, unknown>;
          if (symbolKey) value[Symbol('k')] = 1;
          return { value, refused: s.refused || symbolKey };
        }),
      },
    ),
  };
});

/** Later duplicates of a key are dropped, as an object keeps one value a key. */
function dedupe(entries: Array<[string, Sample]>): Array<[string, Sample]> {
  const seen = new Set<string>();
  return entries.filter(([k]) => !seen.has(k) && seen.add(k) !== undefined);
}

export const payloadArb: fc.Arbitrary<Sample> = sample;

function bytesOf(v: ArrayBuffer | ArrayBufferView): Buffer {
  return v instanceof ArrayBuffer
    ? Buffer.from(v)
    : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function ownEnumerable(v: object): string[] {
  return Object.keys(v);
}

/**
 * Whether `back` is what `original` comes back as: the same kind, class and content; NaN, -0 and
 * invalid Dates included. An object with a null prototype comes back as a plain object (its
 * prototype is not data); that is the one normalisation, and it is documented.
 */
export function sameValue(original: unknown, back: unknown, path = 'value'): string | undefined {
  if (typeof original !== 'object' || original === null) {
    return Object.is(original, back)
      ? undefined
      : `${path}: ${String(original)} came back as ${String(back)}`;
  }
  if (typeof back !== 'object' || back === null)
    return `${path}: an object came back as ${String(back)}`;
  const proto = Object.getPrototypeOf(original) ?? Object.prototype;
  if (Object.getPrototypeOf(back) !== proto)
    return `${path}: a ${proto.constructor?.name} came back as a ${Object.getPrototypeOf(back)?.constructor?.name}`;
  if (original instanceof Date)
    return Object.is(original.getTime(), (back as Date).getTime()) ? undefined : `${path}: date`;
  if (original instanceof RegExp)
    return String(original) === String(back) ? undefined : `${path}: regexp`;
  if (original instanceof URL)
    return original.href === (back as URL).href ? undefined : `${path}: url`;
  if (original instanceof ArrayBuffer || ArrayBuffer.isView(original))
    return bytesOf(original).equals(bytesOf(back as ArrayBuffer)) ? undefined : `${path}: bytes`;
  if (original instanceof Map || original instanceof Set) {
    const a = [...(original as Map<unknown, unknown>).entries()];
    const b = [...(back as Map<unknown, unknown>).entries()];
    if (a.length !== b.length) return `${path}: size ${a.length} came back as ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const problem =
        sameValue(a[i][0], b[i][0], `${path}.<key ${i}>`) ??
        sameValue(a[i][1], b[i][1], `${path}.<value ${i}>`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (original instanceof Error) {
    const e = back as Error;
    for (const k of ['name', 'message', 'stack'] as const)
      if (original[k] !== e[k]) return `${path}.${k}: ${original[k]} came back as ${e[k]}`;
    if (Object.hasOwn(original, 'cause') !== Object.hasOwn(e, 'cause')) return `${path}.cause`;
    const problem = Object.hasOwn(original, 'cause')
      ? sameValue(original.cause, e.cause, `${path}.cause`)
      : undefined;
    if (problem) return problem;
  }
  if (Array.isArray(original) && original.length !== (back as unknown[]).length)
    return `${path}: length`;
  // An error's name, message and stack are compared above, whether own properties or not.
  const skip = original instanceof Error ? ['name', 'message', 'stack'] : [];
  const keys = ownEnumerable(original).filter((k) => !skip.includes(k));
  const backKeys = ownEnumerable(back).filter((k) => !skip.includes(k));
  if (keys.join('\u0000') !== backKeys.join('\u0000'))
    return `${path}: keys ${JSON.stringify(keys)} came back as ${JSON.stringify(backKeys)}`;
  for (const k of keys) {
    const problem = sameValue(
      (original as Record<string, unknown>)[k],
      (back as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (problem) return problem;
  }
  return undefined;
}
