// Test harness for the CLI and crash tests: runs the BUILT `durable-run` CLI (dist/cli.js) in
// real child processes, parses its --json lines, and watches the process tree (worker pids,
// orphans). The built files are copied once per test process into a temp folder, so a rebuild
// running beside the tests (it deletes dist/) cannot pull the CLI away in the middle of a test.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'crash');
export const PAYMENTS = path.join(ROOT, 'samples', 'payments');

const DIST = path.join(ROOT, 'dist');
const scratch: string[] = [];
let cliCopy: string | undefined;

process.on('exit', () => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits. */
export function tempDir(prefix = 'durable-run-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** The path of the built CLI (a private copy of dist/); fails clearly when it was not built. */
export function builtCli(): string {
  if (cliCopy) return cliCopy;
  for (const file of ['cli.js', 'worker.js', path.join('esbuild', 'esbuild')]) {
    if (!fs.existsSync(path.join(DIST, file))) {
      throw new Error(
        `dist/${file} is missing: build first (npm run build, or npm test, which builds), then run the tests again`,
      );
    }
  }
  const copy = tempDir('durable-run-dist-');
  fs.cpSync(DIST, copy, { recursive: true });
  cliCopy = path.join(copy, 'cli.js');
  return cliCopy;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A hang guard, not an assertion: the process tree is killed and the test fails. */
  timeoutMs?: number;
  /** Called once the CLI process exists (to find its worker, or to kill it). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `node dist/cli.js ...args` and resolves when it exits. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const cli = builtCli();
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const guard = setTimeout(() => {
      killTree(child.pid!);
      reject(
        new Error(
          `durable-run ${args.join(' ')} did not finish within ${timeoutMs} ms (hang); stdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** One parsed --json line; every line of a --json stdout must be a JSON object. */
/** What a crash test runs against: its inputs file, its state folder, and the agent's environment. */
export interface Scenario {
  inputs: string;
  state: string;
  env?: NodeJS.ProcessEnv;
}

/** `run AGENT --crash CRASH --json` over the scenario's inputs and state folder. */
export function runCrashing(agent: string, s: Scenario, crash: string): Promise<CliResult> {
  const args = ['run', agent, '--inputs', s.inputs, '--state', s.state, '--crash', crash, '--json'];
  return runCli(args, { env: s.env });
}

/** `recover AGENT --json` over the scenario's state folder. */
export function recoverJson(agent: string, s: Scenario): Promise<CliResult> {
  return runCli(['recover', agent, '--state', s.state, '--json'], { env: s.env });
}

export type JsonEvent = Record<string, unknown> & { event?: string };

export function jsonLines(stdout: string): JsonEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
        return value as JsonEvent;
      } catch {
        throw new Error(`--json stdout line ${i + 1} is not a JSON object: ${line.slice(0, 200)}`);
      }
    });
}

export function eventsOf(result: CliResult, kind: string): JsonEvent[] {
  return jsonLines(result.stdout).filter((e) => e.event === kind);
}

/** The call events of a run, as `key action#index functionId path status` strings. */
export function callPaths(result: CliResult): string[] {
  return eventsOf(result, 'call').map(
    (e) => `${e.key} ${e.action}#${e.index} ${e.functionId} ${e.path} ${e.status}`,
  );
}

export interface SlotLine {
  key: string;
  seq: number;
  action: string;
  id: string;
  completed: boolean;
  slots: Array<{
    index: number;
    functionId: string;
    argsDigest: string;
    status: string;
    result?: unknown;
    error?: { name: string; message: string };
  }>;
}

/** `durable-run slots --state DIR --json`, which must exit 0. */
export async function slotsOf(state: string): Promise<SlotLine[]> {
  const result = await runCli(['slots', '--state', state, '--json']);
  if (result.code !== 0) {
    throw new Error(`slots --state ${state} exited ${result.code}:\n${result.stderr}`);
  }
  return jsonLines(result.stdout) as unknown as SlotLine[];
}

/** Slots as `stateId #index functionId STATUS` strings, in the CLI's order. */
export function slotSummary(states: SlotLine[]): string[] {
  return states.flatMap((s) =>
    s.slots.map((slot) => `${s.id} #${slot.index} ${slot.functionId} ${slot.status}`),
  );
}

/** The lines of a JSON-lines ledger file (an agent's external side effects). */
export function readLedger(file: string): Array<Record<string, unknown>> {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** How many times each `op:id` side effect is in a ledger. */
export function ledgerCounts(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of readLedger(file)) {
    const name = `${entry.op}:${entry.id}`;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Direct children of a process, from /proc (Linux). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text !== '') out.push(...text.split(/\s+/).map(Number));
    } catch {
      // The task ended while we looked.
    }
  }
  return out;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * True once the process has died with all its threads: its descriptors (a lock it held) are
 * closed only when its last thread exits, and its leader shows as a zombie before that.
 */
export function goneForGood(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const zombie = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
    return zombie && fs.readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds or `ms` pass; returns whether it held. */
export async function waitFor(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(25);
  }
  return check();
}

/** True when the process runs the worker (the CLI may run a short-lived helper first). */
function runsWorker(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker.js');
  } catch {
    return false;
  }
}

/** Waits for the CLI's worker process to appear and returns its pid. */
export async function workerOf(cliPid: number, ms = 20_000): Promise<number> {
  let found: number | undefined;
  await waitFor(() => {
    found = childrenOf(cliPid).find((pid) => isAlive(pid) && runsWorker(pid));
    return found !== undefined;
  }, ms);
  if (found === undefined) throw new Error(`the CLI (pid ${cliPid}) started no worker process`);
  return found;
}

/** All descendants of a process, deepest last. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  for (const child of childrenOf(pid)) out.push(child, ...descendantsOf(child));
  return out;
}

/** SIGKILLs a process and everything under it (a hang guard's clean-up). */
export function killTree(pid: number): void {
  for (const p of [pid, ...descendantsOf(pid)]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Writes an agent file into `dir` and returns its path. */
export function writeAgent(dir: string, name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

/** Writes an inputs file of `{key, input}` lines and returns its path. */
export function writeInputs(dir: string, inputs: Array<{ key: string; input: unknown }>): string {
  const file = path.join(dir, `inputs-${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(file, inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
  return file;
}
