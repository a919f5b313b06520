// Benchmark: how long a worker outlives its CLI when the CLI is SIGKILLed while the agent's code
// keeps the worker busy (a loop that never yields).
//
// worker_gone_after_cli_kill_ms   SIGKILL of `durable-run run` until its worker process is gone
//                                 vs. the same SIGKILL until the CLI itself is reaped
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, report } from './report';

const CLI = path.resolve('dist/cli.js');
const ROUNDS = 7;

const AGENT = `import * as fs from 'node:fs';
import { defineAgent } from 'durable-run';
export default defineAgent({
  name: 'busy',
  actions: [{ name: 'spin', on: ['InputEvent'], run() {
    fs.writeFileSync(process.env.BUSY_MARKER ?? '', String(process.pid));
    for (;;) {
      // never yields
    }
  } }],
});
`;

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** One round: milliseconds from the SIGKILL until the CLI is reaped, and until its worker is gone. */
async function round(dir: string, n: number): Promise<{ cli: number; worker: number }> {
  const marker = path.join(dir, `marker-${n}`);
  const inputs = path.join(dir, 'inputs.jsonl');
  const child = spawn(
    process.execPath,
    [CLI, 'run', path.join(dir, 'busy.ts'), '--inputs', inputs, '--state', path.join(dir, `s${n}`)],
    { stdio: 'ignore', env: { ...process.env, BUSY_MARKER: marker } },
  );
  while (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') === '')
    await new Promise((resolve) => setTimeout(resolve, 5));
  const worker = Number(fs.readFileSync(marker, 'utf8'));
  const reaped = new Promise<number>((resolve) =>
    child.once('exit', () => resolve(performance.now())),
  );
  const start = performance.now();
  child.kill('SIGKILL');
  // Polled as fast as the event loop turns: the figure is the worker's, not the poll's.
  let workerGone = 0;
  while (workerGone === 0) {
    if (!alive(worker)) workerGone = performance.now();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return { cli: (await reaped) - start, worker: workerGone - start };
}

export async function run(): Promise<void> {
  if (process.platform !== 'linux') return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-bench-death-'));
  try {
    fs.writeFileSync(path.join(dir, 'busy.ts'), AGENT);
    fs.writeFileSync(path.join(dir, 'inputs.jsonl'), '{"key":"k","input":0}\n');
    const cli: number[] = [];
    const worker: number[] = [];
    for (let n = 0; n < ROUNDS; n++) {
      const r = await round(dir, n);
      cli.push(r.cli);
      worker.push(r.worker);
    }
    report('worker_gone_after_cli_kill_ms', median(worker), 'ms', median(cli));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
