// Which files are agents, and the launch configuration that debugs one: the pure half of the
// configuration provider (configurationProvider.ts), kept apart so unit tests need no VS Code.
import * as path from 'node:path';
import { CRASH_POINTS } from '../worker/protocol';
import { DEBUG_TYPE } from './constants';

/** File extensions the worker compiles (src/worker/agentLoader.ts). */
export const AGENT_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
/** Flink Agents Python agents, run by the Python agent host (src/worker/python). */
export const PYTHON_AGENT_EXTENSION = '.py';
export const AGENT_GLOB = '**/*.{ts,mts,cts,js,mjs,cjs,py}';
export const AGENT_SEARCH_EXCLUDE =
  '**/{node_modules,dist,out,build,.durable,.git,.vscode-test,.venv,venv,.venv-python,__pycache__,site-packages}/**';
/** Files bigger than this are not read while looking for agents (generated code, bundles). */
export const AGENT_SCAN_MAX_BYTES = 512 * 1024;

const IMPORTS_DURABLE_RUN =
  /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)['"]durable-run['"]/;
const CALLS_DEFINE_AGENT = /\bdefineAgent\s*\(/;

/**
 * An agent file imports the `durable-run` module and calls defineAgent: a helper that imports
 * only registerClass, or a file that merely mentions defineAgent, is not offered as an agent.
 */
export function isAgentSource(text: string): boolean {
  return (
    (IMPORTS_DURABLE_RUN.test(text) && CALLS_DEFINE_AGENT.test(text)) || isPythonAgentSource(text)
  );
}

const IMPORTS_FLINK_AGENT =
  /^\s*(?:from\s+flink_agents\.api\.agents\.agent\s+import\b|import\s+flink_agents)/m;
const SUBCLASSES_AGENT = /^\s*class\s+\w+\s*\(\s*(?:[\w.]*\.)?Agent\s*[,)]/m;

/** A Flink Agents Python agent file imports the Agent class and subclasses it. */
export function isPythonAgentSource(text: string): boolean {
  return IMPORTS_FLINK_AGENT.test(text) && SUBCLASSES_AGENT.test(text);
}

export function isAgentFileName(file: string): boolean {
  if (path.extname(file) === PYTHON_AGENT_EXTENSION) return true;
  return AGENT_EXTENSIONS.includes(path.extname(file)) && !/\.d\.[cm]?ts$/.test(file);
}

/** The launch attributes of DESIGN.md §3, as the configuration provider handles them. */
export interface DurableLaunchConfig {
  type: string;
  request: string;
  name: string;
  program?: string;
  inputs?: unknown;
  inputsFile?: string;
  stateDir?: string;
  fresh?: boolean;
  stopOnEntry?: boolean;
  crash?: { point?: unknown; action?: unknown; call?: unknown };
  autoRecover?: boolean;
  runtimeExecutable?: string;
  [other: string]: unknown;
}

/** `${workspaceFolder}/rel` for a file inside the folder, else the absolute path. */
export function workspaceRelative(file: string, folder: string | undefined): string {
  if (folder) {
    const rel = path.relative(folder, file);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return '${workspaceFolder}/' + rel.split(path.sep).join('/');
    }
  }
  return file;
}

export const INPUTS_FILE_NAME = 'inputs.jsonl';

/** A launch configuration that debugs `program`, with the inputs.jsonl beside it if there is one. */
export function launchConfigFor(
  program: string,
  folder: string | undefined,
  hasInputsBeside: boolean,
): DurableLaunchConfig {
  const config: DurableLaunchConfig = {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug agent ${path.basename(program)}`,
    program: workspaceRelative(program, folder),
  };
  if (hasInputsBeside) {
    config.inputsFile = workspaceRelative(
      path.join(path.dirname(program), INPUTS_FILE_NAME),
      folder,
    );
  }
  return config;
}

/**
 * The state folder of a launch without `stateDir`: a folder of the agent's own under the root
 * (the `durableRun.defaultStateDir` setting, `${workspaceFolder}/.durable` by default), named
 * after the program's path in the workspace folder: `payments/agent.ts` keeps its state in
 * `.durable/payments/agent`. One journal belongs to one agent, so agents never share one.
 * `program` and `cwd` have their variables substituted; `root` may still hold
 * `${workspaceFolder}`, and without a folder the root is beside the program.
 */
export function defaultStateDir(
  root: string,
  program: string,
  folder: string | undefined,
  cwd?: string,
): string {
  const file = path.resolve(cwd ?? folder ?? '', program);
  const base = folder ?? path.dirname(file);
  const rootDir = path.resolve(base, root.replace(/\$\{workspaceFolder\}/g, base));
  const inFolder = folder ? path.relative(folder, file) : '';
  const rel =
    inFolder !== '' && !inFolder.startsWith('..') && !path.isAbsolute(inFolder)
      ? inFolder
      : path.basename(file);
  const parsed = path.parse(rel);
  return path.join(rootDir, parsed.dir, parsed.name);
}

export interface ResolveContext {
  /** The workspace folder the launch belongs to, if any. */
  folder?: string;
  /** The active editor's file when it is an agent file. */
  activeAgentFile?: string;
  /** The active editor's file, agent or not (for the error message). */
  activeFile?: string;
  defaults: { stateDir: string; autoRecover: boolean };
  /** Whether a file exists (to pick up an inputs.jsonl beside the program). */
  exists(file: string): boolean;
  /** The durable-agent configurations of the folder's launch.json, by name and program. */
  launchJson?: Array<{ name?: string; program?: string }>;
}

/**
 * `note`: what the user should know about the choice made for them (shown in the Debug Console).
 */
export type ResolveResult =
  | { config: DurableLaunchConfig; note?: string }
  /** `inputsFor`: the agent file that needs an inputs.jsonl beside it (offer to create one). */
  | { error: string; inputsFor?: string };

/** What an agent without inputs is told, when the launch was made for it (no launch.json). */
export function noInputsBeside(program: string, folder: string | undefined): string {
  const shown = workspaceRelative(program, folder).replace('${workspaceFolder}/', '');
  return `Durable Run: ${shown} has no inputs: put an ${INPUTS_FILE_NAME} beside it, one input a line ({"key": "k1", "input": {...}}), or add a launch configuration with "inputs".`;
}

/** The inputs.jsonl a new agent starts with: one input, to be edited. */
export const INPUTS_TEMPLATE = '{"key": "k1", "input": {}}\n';

/**
 * F5 runs the configuration selected in Run and Debug. When the editor shows an agent file that
 * no configuration of launch.json names, that file is what the user means to debug (a sample's
 * launch.json must not run the sample instead of the user's own agent): its path, else undefined.
 * A configuration whose program is `${file}` names every file.
 */
export function agentInEditorInstead(
  input: DurableLaunchConfig,
  ctx: ResolveContext,
): string | undefined {
  const active = ctx.activeAgentFile;
  const configs = ctx.launchJson ?? [];
  if (!active || !input.program || !configs.some((c) => c.name === input.name)) return undefined;
  const base = ctx.folder ?? '';
  const named = configs.flatMap((c) => (typeof c.program === 'string' ? [c.program] : []));
  if (named.some((p) => p.includes('${file}'))) return undefined;
  const same = (a: string, b: string) =>
    process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
  const mentioned = named.map((p) => path.resolve(base, expandForLookup(p, ctx.folder)));
  return mentioned.some((p) => same(p, path.resolve(active))) ? undefined : active;
}

/** Expands the variables VS Code has not substituted yet where a path needs to be read now. */
function expandForLookup(file: string, folder: string | undefined): string {
  return folder ? file.replace(/\$\{workspaceFolder\}/g, folder) : file;
}

/**
 * Completes a launch configuration before VS Code substitutes variables: F5 with no launch.json
 * (an empty configuration) debugs the active agent file; settings give the defaults.
 */
export function resolveLaunchConfig(
  input: DurableLaunchConfig,
  ctx: ResolveContext,
): ResolveResult {
  const noLaunchJson = !input.type && !input.request && !input.name;
  let config: DurableLaunchConfig;
  let note: string | undefined;
  const instead = agentInEditorInstead(input, ctx);
  if (instead) {
    const inputsBeside = ctx.exists(path.join(path.dirname(instead), INPUTS_FILE_NAME));
    if (!inputsBeside) return { error: noInputsBeside(instead, ctx.folder), inputsFor: instead };
    config = launchConfigFor(instead, ctx.folder, inputsBeside);
    const shown = (file: string) =>
      workspaceRelative(file, ctx.folder).replace('${workspaceFolder}/', '');
    note = `Debugging ${shown(instead)}, the agent file in the editor: no launch configuration names it, so "${input.name}" (${shown(expandForLookup(input.program!, ctx.folder))}) was not used. Add a configuration for ${shown(instead)} to give it inputs, a crash or a state folder of its own.`;
  } else if (noLaunchJson || (input.type === DEBUG_TYPE && !input.program)) {
    if (!ctx.activeAgentFile) {
      const which = ctx.activeFile
        ? `${path.basename(ctx.activeFile)} is not an agent file (an agent imports 'durable-run' and calls defineAgent)`
        : 'no agent file is open';
      return {
        error: `Durable Run: ${which}. Open an agent file and press F5, or add a "durable-agent" configuration with a "program" to launch.json.`,
      };
    }
    const program = ctx.activeAgentFile;
    const inputsBeside = ctx.exists(path.join(path.dirname(program), INPUTS_FILE_NAME));
    if (noLaunchJson && !inputsBeside)
      return { error: noInputsBeside(program, ctx.folder), inputsFor: program };
    config = noLaunchJson
      ? launchConfigFor(program, ctx.folder, inputsBeside)
      : { ...input, program: workspaceRelative(program, ctx.folder) };
  } else {
    config = { ...input };
  }
  config.type = DEBUG_TYPE;
  config.request ||= 'launch';
  config.name ||= 'Debug durable agent';

  if (config.crash !== undefined) {
    const point = (config.crash as { point?: unknown }).point;
    if (!(CRASH_POINTS as readonly unknown[]).includes(point)) {
      return {
        error: `Durable Run: "crash.point" must be one of ${CRASH_POINTS.join(', ')} (got ${JSON.stringify(point)}).`,
      };
    }
  }
  if (config.inputs !== undefined && config.inputsFile !== undefined) {
    return { error: 'Durable Run: give either "inputs" or "inputsFile", not both.' };
  }

  const program = config.program ?? '';
  const programDir = path.dirname(expandForLookup(program, ctx.folder));
  // stateDir's default needs the program's path with every variable substituted: see
  // defaultStateDir, applied once VS Code has substituted them.
  config.fresh ??= true;
  config.autoRecover ??= ctx.defaults.autoRecover;
  // As with Node's debugger: the agent runs in the folder, and relative paths (program, inputsFile,
  // stateDir) resolve against it rather than against wherever VS Code itself was started.
  if (ctx.folder) config.cwd ??= '${workspaceFolder}';
  if (config.inputs === undefined && config.inputsFile === undefined && config.fresh !== false) {
    const beside = path.join(programDir, INPUTS_FILE_NAME);
    if (program && ctx.exists(beside)) config.inputsFile = workspaceRelative(beside, ctx.folder);
  }
  return note ? { config, note } : { config };
}
