// Benchmark: what activating the extension costs, measured as VS Code pays it: a fresh process
// requires extension.js (the production bundle the VSIX ships, built here with
// scripts/build.mjs --production) and calls activate() against a stand-in `vscode` module that
// accepts every call (test/support/freshActivation.ts), in wall-clock time and in CPU time.
// Baseline: the same for a one-command extension, the floor.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { activateInFreshProcess } from '../test/support/freshActivation';
import { median, report } from './report';

const RUNS = 7;
const root = path.resolve(__dirname, '..');

function measure(file: string): {
  requireMs: number;
  activateMs: number;
  totalMs: number;
  cpuMs: number;
  registrations: number;
} {
  const samples = Array.from({ length: RUNS }, () => activateInFreshProcess(file, root));
  return {
    requireMs: median(samples.map((s) => s.requireMs)),
    activateMs: median(samples.map((s) => s.activateMs)),
    totalMs: median(samples.map((s) => s.requireMs + s.activateMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    registrations: samples[0].registrations,
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'durable-activation-'));
  try {
    const out = path.join(dir, 'dist');
    execFileSync(process.execPath, ['scripts/build.mjs', '--production', '--outdir', out], {
      cwd: root,
    });
    const bundle = path.join(out, 'extension.js');
    if (!existsSync(bundle)) throw new Error(`the production build wrote no ${bundle}`);
    const minimal = path.join(dir, 'minimal.js');
    writeFileSync(
      minimal,
      `const vscode = require('vscode');
       exports.activate = (context) => { context.subscriptions.push(vscode.commands.registerCommand('x', () => {})); };`,
    );
    const ours = measure(bundle);
    const floor = measure(minimal);
    report('activation: require dist/extension.js', ours.requireMs, 'ms', floor.requireMs);
    report('activation: activate()', ours.activateMs, 'ms', floor.activateMs);
    report('activation: require + activate', ours.totalMs, 'ms', floor.totalMs);
    // The CPU time of the same: what a loaded machine's wall clock adds (waiting to run) is not in it.
    report('activation: require + activate, CPU time', ours.cpuMs, 'ms', floor.cpuMs);
    if (ours.registrations < 10)
      throw new Error(`activate() registered only ${ours.registrations} things`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
