// State surgery's Python re-encoder: a new result or error for a Python slot is pickled by the
// Python agent host in its one-shot mode (python -m durable_run_host encode), since only the
// host ever pickles. The interpreter is found when first needed, so edits that pickle nothing
// never look for Python.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { PythonValue } from '../../runtime/pythonPayload';
import { EditError, type PythonReencoder } from '../../runtime/stateEdit';
import { findInterpreter, InterpreterError } from './interpreter';
import { hostPackageDir } from './pythonHost';

interface EncodeReply {
  ok: boolean;
  message?: string;
  value?: PythonValue;
  exception?: PythonValue;
}

function run(python: string, request: object): Promise<EncodeReply> {
  const pythonPath = [hostPackageDir(), process.env.PYTHONPATH].filter(Boolean);
  const child = spawn(python, ['-m', 'durable_run_host', 'encode'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONPATH: pythonPath.join(path.delimiter) },
    windowsHide: true,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(JSON.stringify(request));
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new EditError(`${python} did not start (${e.message})`)));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as EncodeReply);
      } catch {
        reject(
          new EditError(
            `the Python agent host (${python}) could not pickle the edited value (exit code ${code}): ${err.trim() || 'it printed nothing'}; check that the interpreter has cloudpickle (Flink Agents installs it)`,
          ),
        );
      }
    });
  });
}

async function ask(python: () => string, request: object, key: 'value' | 'exception') {
  const reply = await run(python(), request);
  const got = reply[key];
  if (!reply.ok || !got)
    throw new EditError(`the Python agent host refused the edit: ${reply.message ?? 'no reply'}`);
  return got;
}

/** A re-encoder using the given interpreter, else DURABLE_RUN_PYTHON, else python3 on PATH. */
export function pythonReencoder(given: string | undefined): PythonReencoder {
  let found: string | undefined;
  const python = (): string => {
    try {
      found ??= findInterpreter(given);
      return found;
    } catch (error) {
      if (error instanceof InterpreterError)
        throw new EditError(`a Python slot's new value is pickled by Python, but ${error.message}`);
      throw error;
    }
  };
  return {
    value: (json) => ask(python, { value: json }, 'value'),
    error: (message, type) => ask(python, { error: { message, type: type ?? null } }, 'exception'),
  };
}
