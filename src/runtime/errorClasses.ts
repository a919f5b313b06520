// The error classes a persisted error is rebuilt as: the built-in ones and those registered with
// `registerClass`. Shared by thrown errors (a FAILED slot) and Error values (a result, an event,
// memory), so `instanceof` means the same live and on replay.
import { PayloadEncodingError, PayloadTooLargeError } from './errors';

export type ErrorClass = new (...args: never[]) => Error;

const errorClasses = new Map<string, ErrorClass>();
// The reference's Python keeps the exception type, so the built-in classes replay as themselves.
for (const cls of [
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
  PayloadEncodingError,
  PayloadTooLargeError,
] as ErrorClass[]) {
  errorClasses.set(cls.name, cls);
}

export function registerErrorClass(cls: ErrorClass, id: string): void {
  errorClasses.set(id, cls);
}

export function errorClassById(id: string): ErrorClass | undefined {
  return errorClasses.get(id);
}

/**
 * The id of the class an error is an instance of: its exact class, or (for a thrown error, which
 * must be stored whatever it is) a class registered under its constructor's name. Undefined for
 * a class that is neither built in nor registered.
 */
export function errorClassId(error: Error, exact: boolean): string | undefined {
  const proto = Object.getPrototypeOf(error) as object | null;
  for (const [id, cls] of errorClasses) if (cls.prototype === proto) return id;
  if (exact) return undefined;
  const ctorName = (error.constructor as { name?: unknown } | undefined)?.name;
  if (typeof ctorName !== 'string') return undefined;
  const cls = errorClasses.get(ctorName);
  return cls && error instanceof cls ? ctorName : undefined;
}

/** The name of an error's class when it is an Error subclass that is neither built in nor registered. */
export function unregisteredErrorClass(error: Error): string | undefined {
  if (errorClassId(error, false) !== undefined) return undefined;
  const name = (error.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : error.name || 'an anonymous class';
}

/** Own enumerable properties besides name, message and stack (e.g. `code`), plus `errors` of an AggregateError. */
export function errorProps(error: Error): Record<string, unknown> | undefined {
  let props: Record<string, unknown> | undefined;
  for (const k of Object.keys(error)) {
    if (k === 'name' || k === 'message' || k === 'stack') continue;
    props ??= {};
    Object.defineProperty(props, k, {
      value: (error as unknown as Record<string, unknown>)[k],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  // Not enumerable, yet what an AggregateError is about.
  if (error instanceof AggregateError && !(props && 'errors' in props))
    (props ??= {}).errors = error.errors;
  return props;
}

/** The parts an error is rebuilt from. */
export interface ErrorFields {
  name: string;
  message: string;
  stack?: string;
  className?: string;
}

/**
 * An error of the class `className` names (a plain Error when it is not known here), with the
 * name, message and stack given; made without running any constructor.
 */
export function rebuildError(fields: ErrorFields): Error {
  const cls = fields.className ? errorClasses.get(fields.className) : undefined;
  const error: Error = cls ? Object.create(cls.prototype) : new Error(fields.message);
  const define = (key: string, value: unknown) =>
    Object.defineProperty(error, key, { value, writable: true, configurable: true });
  define('message', fields.message);
  if (!cls || error.name !== fields.name) define('name', fields.name);
  if (fields.stack !== undefined) define('stack', fields.stack);
  return error;
}

/** Sets properties (decoded data) on an error, each as an own property, never through a setter. */
export function assignProps(error: Error, props: Record<string, unknown>): void {
  for (const k of Object.keys(props)) {
    Object.defineProperty(error, k, {
      value: props[k],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}
