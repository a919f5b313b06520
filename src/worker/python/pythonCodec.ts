// The outcome codec of a Python agent's durable calls: results and errors stay Python values
// (cloudpickle bytes with a readable form, src/runtime/pythonPayload.ts) that this process never
// decodes; on replay they go back to the host as they were stored.
import type { Encoded, EncodedError } from '../../runtime/codec';
import { encodeError } from '../../runtime/codec';
import type { OutcomeCodec } from '../../runtime/durableCall';
import {
  encodePythonError,
  encodePythonValue,
  pythonErrorOf,
  pythonValueOf,
  type PythonValue,
} from '../../runtime/pythonPayload';

/** An exception as the host reports it (payload.py, PythonError). */
export interface PythonErrorReport {
  exception: PythonValue | null;
  type: string;
  message: string;
  traceback: string;
}

/** A Python exception on the Node side: raised again in the host, never decoded here. */
export class PythonRaised extends Error {
  constructor(readonly report: PythonErrorReport) {
    super(report.message);
    this.name = report.type.slice(report.type.lastIndexOf('.') + 1);
    this.stack = report.traceback || `${report.type}: ${report.message}`;
  }
}

/** A value the host can take back: a stored Python value, or JSON (a slot edited by hand). */
export type ReplayValue = PythonValue | { json: unknown };

function errorReportOf(error: EncodedError): PythonErrorReport {
  return {
    exception: pythonErrorOf(error) ?? null,
    type: error.name,
    message: error.message,
    traceback: error.stack ?? '',
  };
}

/** What the host raises for an error: the Python one, or one of the runtime's own, in words. */
export function reportOf(error: unknown): PythonErrorReport {
  if (error instanceof PythonRaised) return error.report;
  return errorReportOf(encodeError(error));
}

export const pythonCodec: OutcomeCodec = {
  encodeResult: (value) => encodePythonValue(value as PythonValue),
  encodeError(error): EncodedError {
    if (!(error instanceof PythonRaised)) return encodeError(error);
    const { exception, message, traceback, type } = error.report;
    if (exception) return encodePythonError(exception, message, traceback || undefined);
    return { name: type.slice(type.lastIndexOf('.') + 1), message, stack: traceback };
  },
  decodeResult: (result: Encoded): ReplayValue => pythonValueOf(result) ?? { json: result.json },
  decodeError: (error: EncodedError) => new PythonRaised(errorReportOf(error)),
};
