// Checks a `durable-agent` launch configuration before any process starts, and turns it into
// what the session needs, with errors that say which attribute is wrong and how to fix it.
// What only the worker can find out (the agent does not compile, the journal is corrupt) comes
// back later as the worker's startFailed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateInputs, type AgentInput } from '../runtime/agentRunner';
import { makeFolder } from '../runtime/makeFolder';
import { CrashSpecError, validateCrashPlan } from '../worker/crashPlan';
import { InputsFileError, readInputsFile } from '../worker/inputsFile';
import type { CrashPlan } from '../worker/protocol';
import { pythonProgram } from '../worker/python/interpreter';

/** The launch attributes of DESIGN.md §3, as a client sends them. */
export interface LaunchArguments {
  program?: unknown;
  inputs?: unknown;
  inputsFile?: unknown;
  stateDir?: unknown;
  fresh?: unknown;
  stopOnEntry?: unknown;
  crash?: unknown;
  autoRecover?: unknown;
  runtimeExecutable?: unknown;
  python?: unknown;
  cwd?: unknown;
  env?: unknown;
  /** A line for the Debug Console before the first attempt: how the client resolved the launch. */
  durableRunNote?: unknown;
}

export interface LaunchPlan {
  program: string;
  /** Undefined only when recovering: the worker then runs the inputs the journal recorded. */
  inputs?: AgentInput[];
  stateDir: string;
  fresh: boolean;
  stopOnEntry: boolean;
  crash?: CrashPlan;
  autoRecover: boolean;
  runtimeExecutable?: string;
  /** The interpreter for a Flink Agents Python agent; absent: the worker's default. */
  python?: string;
  cwd?: string;
  env?: Record<string, string>;
  note?: string;
}

export class LaunchConfigError extends Error {
  override name = 'LaunchConfigError';
}

const AGENT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

function optionalBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new LaunchConfigError(`"${name}" must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new LaunchConfigError(
      `"${name}" must be a non-empty string, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function checkProgram(value: unknown, base: string): string {
  if (value === undefined) {
    throw new LaunchConfigError(
      '"program" is missing: set it to the agent file (.ts or .js, or a Flink Agents .py) to debug',
    );
  }
  const given = path.resolve(base, optionalString(value, 'program')!);
  // `agent.py:ClassName` names the file and one of its Agent subclasses.
  const python = pythonProgram(given);
  const program = python?.file ?? given;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(program);
  } catch {
    throw new LaunchConfigError(`"program": the agent file ${program} does not exist`);
  }
  if (!stat.isFile()) {
    throw new LaunchConfigError(
      `"program": ${program} is not a file; it must name an agent .ts or .js file, or a Flink Agents .py file`,
    );
  }
  if (!python && !AGENT_EXTENSIONS.includes(path.extname(program))) {
    throw new LaunchConfigError(
      `"program": ${program} is not a TypeScript, JavaScript or Python file (${AGENT_EXTENSIONS.join(', ')}, .py)`,
    );
  }
  return given;
}

function checkInputs(args: LaunchArguments, base: string): AgentInput[] {
  if (args.inputs !== undefined && args.inputsFile !== undefined) {
    throw new LaunchConfigError('give either "inputs" or "inputsFile", not both');
  }
  if (args.inputsFile !== undefined) {
    const file = path.resolve(base, optionalString(args.inputsFile, 'inputsFile')!);
    try {
      return readInputsFile(file);
    } catch (error) {
      if (error instanceof InputsFileError)
        throw new LaunchConfigError(`"inputsFile": ${error.message}`);
      throw error;
    }
  }
  if (args.inputs === undefined) return [];
  try {
    return validateInputs(args.inputs);
  } catch (error) {
    throw new LaunchConfigError(`"inputs": ${(error as Error).message}`);
  }
}

/** Creates the state folder if needed and proves it writable, so a bad one fails the launch. */
function checkStateDir(dir: string): void {
  try {
    makeFolder(dir);
    const probe = path.join(dir, `.durable-run-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a file stands where a folder of this path should be'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : (error as Error).message;
    throw new LaunchConfigError(
      `"stateDir": cannot write the state folder ${dir}: ${why}; choose another stateDir`,
    );
  }
}

function checkEnv(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LaunchConfigError(
      '"env" must be an object of environment variables { "NAME": "value" }',
    );
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new LaunchConfigError(`"env.${k}" must be a string`);
    env[k] = v;
  }
  return env;
}

/**
 * Validates the launch arguments. Relative paths resolve against `cwd`, else the adapter's
 * working folder; `stateDir` defaults to a folder of the program's own under `.durable` beside it
 * (`.durable/agent` for `agent.ts`), so that two agents never share a journal (the extension
 * passes its own default, under `${workspaceFolder}/.durable`).
 */
export function checkLaunchArguments(args: LaunchArguments): LaunchPlan {
  const cwd = optionalString(args.cwd, 'cwd');
  const base = cwd !== undefined ? path.resolve(cwd) : process.cwd();
  if (cwd !== undefined && !fs.existsSync(base))
    throw new LaunchConfigError(`"cwd": the folder ${base} does not exist`);
  const program = checkProgram(args.program, base);
  const fresh = optionalBoolean(args.fresh, 'fresh', true);
  const inputs = checkInputs(args, base);
  // Recovering (fresh: false) may run the inputs the state folder recorded instead.
  if (
    inputs.length === 0 &&
    (fresh || args.inputs !== undefined || args.inputsFile !== undefined)
  ) {
    throw new LaunchConfigError(
      'no inputs: give "inputs" (an array of { "key", "input" }) or "inputsFile" (a JSONL file of such objects)',
    );
  }
  let crash: CrashPlan | undefined;
  if (args.crash !== undefined) {
    try {
      crash = validateCrashPlan(args.crash, '"crash"');
    } catch (error) {
      if (error instanceof CrashSpecError) throw new LaunchConfigError(error.message);
      throw error;
    }
  }
  const stateDirText = optionalString(args.stateDir, 'stateDir');
  const stateDir =
    stateDirText === undefined
      ? path.join(
          path.dirname(program),
          '.durable',
          path.parse(pythonProgram(program)?.file ?? program).name,
        )
      : path.resolve(base, stateDirText);
  checkStateDir(stateDir);
  const runtimeExecutable = optionalString(args.runtimeExecutable, 'runtimeExecutable');
  if (
    runtimeExecutable !== undefined &&
    path.isAbsolute(runtimeExecutable) &&
    !fs.existsSync(runtimeExecutable)
  ) {
    throw new LaunchConfigError(`"runtimeExecutable": ${runtimeExecutable} does not exist`);
  }
  return {
    program,
    inputs: inputs.length > 0 ? inputs : undefined,
    stateDir,
    fresh,
    stopOnEntry: optionalBoolean(args.stopOnEntry, 'stopOnEntry', false),
    crash,
    autoRecover: optionalBoolean(args.autoRecover, 'autoRecover', false),
    runtimeExecutable,
    python: optionalString(args.python, 'python'),
    cwd: cwd !== undefined ? base : undefined,
    env: checkEnv(args.env),
    note: optionalString(args.durableRunNote, 'durableRunNote'),
  };
}
