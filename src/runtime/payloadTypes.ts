// The types the codec adds to superjson's, each as a superjson custom transformer: bytes (Buffer,
// typed arrays, ArrayBuffer, DataView; superjson loses Buffer, BigInt arrays, NaN and -0), the
// invalid Date (superjson writes null), Error values with their class, cause and properties
// (superjson keeps only name and message), and plain objects with a `__proto__`, `constructor` or
// `prototype` key (superjson refuses them), carried as a list of entries and rebuilt as data.
import type SuperJSON from 'superjson';
import {
  assignProps,
  errorClassId,
  errorProps,
  rebuildError,
  type ErrorFields,
} from './errorClasses';
import { PROTO_KEYS, TYPED_ARRAYS } from './payloadCheck';

function malformed(what: string): never {
  throw new Error(`malformed ${what} payload`);
}

// ---- bytes: [kind, base64 of the bytes in memory order] ----

function isBytes(v: unknown): v is ArrayBuffer | ArrayBufferView {
  return ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
}

function bytesKind(v: ArrayBuffer | ArrayBufferView): string {
  if (Buffer.isBuffer(v)) return 'Buffer';
  if (v instanceof ArrayBuffer) return 'ArrayBuffer';
  if (v instanceof DataView) return 'DataView';
  return v.constructor.name;
}

function serializeBytes(v: ArrayBuffer | ArrayBufferView): [string, string] {
  const bytes =
    v instanceof ArrayBuffer ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return [bytesKind(v), bytes.toString('base64')];
}

function deserializeBytes(json: unknown): ArrayBuffer | ArrayBufferView {
  if (!Array.isArray(json) || typeof json[0] !== 'string' || typeof json[1] !== 'string')
    malformed('bytes');
  const [kind, base64] = json as [string, string];
  const bytes = Buffer.from(base64, 'base64');
  if (kind === 'Buffer') return bytes;
  // A buffer of its own, aligned for any element size.
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  if (kind === 'ArrayBuffer') return buffer;
  if (kind === 'DataView') return new DataView(buffer);
  const cls = TYPED_ARRAYS.get(kind) as (new (b: ArrayBuffer) => ArrayBufferView) | undefined;
  if (!cls) malformed(`bytes (unknown kind ${JSON.stringify(kind)})`);
  return new cls!(buffer);
}

// ---- Error values ----

interface ErrorJson extends ErrorFields {
  props?: Record<string, unknown>;
  cause?: unknown;
}

function serializeError(e: Error): ErrorJson {
  const className = errorClassId(e, true);
  const out: ErrorJson = { name: e.name, message: e.message };
  if (typeof e.stack === 'string') out.stack = e.stack;
  if (className && className !== 'Error') out.className = className;
  const props = errorProps(e);
  if (props) out.props = props;
  if (Object.hasOwn(e, 'cause')) out.cause = e.cause;
  return out;
}

function deserializeError(json: unknown): Error {
  const j = json as Partial<ErrorJson> | null;
  if (typeof j !== 'object' || j === null || typeof j.name !== 'string') malformed('error');
  const error = rebuildError({
    name: j!.name!,
    message: typeof j!.message === 'string' ? j!.message : '',
    stack: typeof j!.stack === 'string' ? j!.stack : undefined,
    className: typeof j!.className === 'string' ? j!.className : undefined,
  });
  if (typeof j!.props === 'object' && j!.props !== null) assignProps(error, j!.props);
  if ('cause' in j!)
    Object.defineProperty(error, 'cause', { value: j!.cause, writable: true, configurable: true });
  if (error instanceof AggregateError && Array.isArray(j!.props?.errors)) {
    // An AggregateError's `errors` is not enumerable.
    Object.defineProperty(error, 'errors', {
      value: j!.props.errors,
      writable: true,
      configurable: true,
    });
  }
  return error;
}

// ---- plain objects with a "__proto__", "constructor" or "prototype" key ----

function hasProtoKey(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k of PROTO_KEYS) if (Object.hasOwn(v, k)) return true;
  return false;
}

/** A plain object whose keys are all set as own data properties: no key reaches a setter. */
export function objectFromEntries(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, value] of entries)
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function deserializeEntries(json: unknown): Record<string, unknown> {
  if (!Array.isArray(json)) malformed('object');
  for (const entry of json as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string')
      malformed('object');
  }
  return objectFromEntries(json as Array<[string, unknown]>);
}

/** Registers one transformer; its JSON is checked by its own deserialize, not by types. */
function custom<I>(
  codec: SuperJSON,
  name: string,
  isApplicable: (v: unknown) => boolean,
  serialize: (v: I) => unknown,
  deserialize: (json: unknown) => I,
): void {
  codec.registerCustom(
    {
      isApplicable: isApplicable as (v: unknown) => v is I,
      serialize: serialize as (v: I) => never,
      deserialize: deserialize as (json: never) => I,
    },
    name,
  );
}

/** Registers the transformers on a codec; superjson tries them before its own rules. */
export function registerPayloadTypes(codec: SuperJSON): void {
  custom(codec, 'bytes', isBytes, serializeBytes, deserializeBytes);
  custom(
    codec,
    'invalid-date',
    (v) => v instanceof Date && Number.isNaN(v.getTime()),
    () => 'Invalid Date',
    () => new Date(NaN),
  );
  // An Error is a container to superjson: it walks on into what this gives (props, cause).
  custom(codec, 'error', (v) => v instanceof Error, serializeError, deserializeError);
  custom(
    codec,
    'object',
    hasProtoKey,
    (v: Record<string, unknown>) => Object.keys(v).map((k) => [k, v[k]]),
    deserializeEntries,
  );
}
