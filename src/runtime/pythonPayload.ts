// Python values in the journal. A Python agent's results, errors, events and memory values are
// cloudpickle bytes that only the Python agent host ever decodes; beside them the host records a
// readable form (JSON when the value maps to JSON, else its repr) so the CLI, the adapter and the
// extension can show them without unpickling anything.
import type { Encoded, EncodedError } from './codec';

/** The key that marks an encoded payload as a Python value. */
export const PYTHON_MARK = '$python';

/** A Python value as the host reports it. */
export interface PythonValue {
  /** cloudpickle bytes, base64: what replay hands back to the host. */
  pickle: string;
  /** The value's type, `module.qualname` (e.g. `builtins.dict`). */
  type: string;
  /** `repr(value)`, cut to a readable length by the host. */
  repr: string;
  /** The value as JSON, when it maps to JSON without loss. */
  json?: unknown;
}

/** A Python value as a slot result (or event, or memory value). */
export function encodePythonValue(value: PythonValue): Encoded {
  return { json: { [PYTHON_MARK]: value } };
}

/** The Python value inside an encoded payload, or undefined when it is not one. */
export function pythonValueOf(encoded: Encoded | undefined): PythonValue | undefined {
  const json = encoded?.json;
  if (encoded?.meta !== undefined || typeof json !== 'object' || json === null) return undefined;
  const inner = (json as Record<string, unknown>)[PYTHON_MARK];
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { pickle, type, repr } = inner as Record<string, unknown>;
  if (typeof pickle !== 'string' || typeof type !== 'string' || typeof repr !== 'string')
    return undefined;
  return inner as PythonValue;
}

/** A raised Python exception as a FAILED slot's error. */
export function encodePythonError(
  exception: PythonValue,
  message: string,
  traceback: string | undefined,
): EncodedError {
  const name = exception.type.slice(exception.type.lastIndexOf('.') + 1);
  return {
    name,
    message,
    ...(traceback === undefined ? {} : { stack: traceback }),
    props: encodePythonValue(exception),
  };
}

/** The pickled exception inside a FAILED slot's error, or undefined for a JavaScript error. */
export function pythonErrorOf(error: EncodedError | undefined): PythonValue | undefined {
  return pythonValueOf(error?.props);
}

/** What a view shows for a Python value: its JSON form when it has one, else its repr. */
export function readablePythonValue(value: PythonValue): unknown {
  return value.json !== undefined ? value.json : value.repr;
}
