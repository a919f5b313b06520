// Activates a bundled extension as VS Code's extension host would, in a fresh Node process: it
// requires the bundle and calls activate() against a stand-in `vscode` module that accepts every
// call. What it costs is bench/activation.ts's measure; what it loads is pinned by
// test/vsix/activation.test.ts.
import { spawnSync } from 'node:child_process';

export interface FreshActivation {
  requireMs: number;
  activateMs: number;
  /** CPU time of the same: what a loaded machine's wall clock adds (waiting to run) is not in it. */
  cpuMs: number;
  /** How many things activate() put in context.subscriptions. */
  registrations: number;
  /** Every module request made from the require until activate() returned, repeats included. */
  requests: string[];
}

// The stand-in has the names the real module exports (esbuild copies a module's own names on
// import). Any property, call or construction gives it back; 'then' is absent so it is no thenable.
const child = `
const Module = require('node:module');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
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
const requests = [];
let recording = false;
const load = Module._load;
Module._load = function (request, ...rest) {
  if (recording) requests.push(request);
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};
const context = { subscriptions: [], extensionPath: require('node:path').dirname(file), extensionUri: fake };
const c0 = process.cpuUsage();
const t0 = performance.now();
recording = true;
const ext = require(file);
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
recording = false;
const cpu = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, cpuMs: (cpu.user + cpu.system) / 1000, registrations: context.subscriptions.length, requests: requests.slice(1) }));
`;

/** One cold require + activate of `bundle`; `cwd` must see node_modules/@types/vscode. */
export function activateInFreshProcess(bundle: string, cwd: string): FreshActivation {
  const out = spawnSync(process.execPath, ['-e', child, bundle], { encoding: 'utf8', cwd });
  if (out.status !== 0)
    throw new Error(`activation of ${bundle} failed:\n${out.stderr.slice(-2000)}`);
  return JSON.parse(out.stdout) as FreshActivation;
}
