// Benchmark: what activating the extension costs, measured as VS Code pays it: a fresh process
// requires extension.js (the production bundle the VSIX ships, built here with
// scripts/build.mjs --production) and calls activate() against a stand-in `vscode` module that
// accepts every call, in wall-clock time and in CPU time. Baseline: the same for a one-command
// extension, the floor.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, report } from './report';

const RUNS = 7;
const root = path.resolve(__dirname, '..');

// Runs in a child process: one cold require + activate, printed as JSON. The stand-in module
// has the names the real module exports (esbuild copies a module's own names on import).
const child = `
const Module = require('node:module');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
// Any property, call or construction gives the stand-in back; 'then' is absent so it is no thenable.
const fake = new Proxy(function () {}, {
  get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : fake),
  set: () => true,
  apply: () => fake,
  construct: () => fake,
});
const file = process.argv[1];
const api = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
const names = new Set([...api.matchAll(/^\\texport (?:class|enum|namespace|const|function|let) (\\w+)/gm)].map((m) => m[1]));
const vscode = Object.fromEntries([...names].map((n) => [n, fake]));
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
const c0 = process.cpuUsage();
const t0 = performance.now();
const ext = require(file);
const t1 = performance.now();
const context = { subscriptions: [], extensionPath: require('node:path').dirname(file), extensionUri: fake };
ext.activate(context);
const t2 = performance.now();
const cpu = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, cpuMs: (cpu.user + cpu.system) / 1000, registrations: context.subscriptions.length }));
`;

function measure(file: string): {
  requireMs: number;
  activateMs: number;
  totalMs: number;
  cpuMs: number;
  registrations: number;
} {
  const samples = Array.from({ length: RUNS }, () => {
    const out = spawnSync(process.execPath, ['-e', child, file], { encoding: 'utf8', cwd: root });
    if (out.status !== 0)
      throw new Error(`activation of ${file} failed:\n${out.stderr.slice(-2000)}`);
    return JSON.parse(out.stdout) as {
      requireMs: number;
      activateMs: number;
      cpuMs: number;
      registrations: number;
    };
  });
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
