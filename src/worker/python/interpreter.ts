// Which Python runs a Python agent: the launch attribute or --python flag, else the
// DURABLE_RUN_PYTHON environment variable, else python3 or python on PATH. Only found here, not
// checked: the host itself reports, in words, an interpreter that lacks Flink Agents.
import { spawnSync } from 'node:child_process';

export const PYTHON_ENV = 'DURABLE_RUN_PYTHON';

/** What to install, said the same way everywhere a Python agent cannot start. */
export const INSTALL_HINT =
  'install Python 3.10+ and Flink Agents (python3 -m pip install "flink-agents>=0.3,<0.4" apache-flink), ' +
  `then choose that interpreter with the launch attribute "python", --python PATH or ${PYTHON_ENV}`;

export class InterpreterError extends Error {
  override name = 'InterpreterError';
}

function runs(command: string): boolean {
  const probe = spawnSync(command, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], {
    encoding: 'utf8',
    windowsHide: true,
    timeout: 20000,
  });
  return probe.status === 0 && probe.stdout.trim() === 'True';
}

/** The interpreter to use; throws an InterpreterError saying what was tried and what to do. */
export function findInterpreter(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = given ?? env[PYTHON_ENV];
  if (chosen !== undefined && chosen !== '') {
    if (runs(chosen)) return chosen;
    const from = given !== undefined ? '"python"' : PYTHON_ENV;
    throw new InterpreterError(
      `the Python interpreter ${chosen} (from ${from}) does not run, or is older than 3.10; ${INSTALL_HINT}`,
    );
  }
  for (const candidate of ['python3', 'python']) if (runs(candidate)) return candidate;
  throw new InterpreterError(
    `no Python interpreter was found (tried python3 and python on PATH); ${INSTALL_HINT}`,
  );
}

/** `my_agent.py` or `my_agent.py:ClassName`: the file and the class, when the program is Python. */
export function pythonProgram(program: string): { file: string; className?: string } | undefined {
  const named = /^(.*\.py):([A-Za-z_][A-Za-z0-9_]*)$/.exec(program);
  if (named) return { file: named[1], className: named[2] };
  return program.endsWith('.py') ? { file: program } : undefined;
}
